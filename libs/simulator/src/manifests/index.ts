export * from './parse-manifests';
export * from './to-commands';

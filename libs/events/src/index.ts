export * from './envelope';
export * from './registry';
export * from './cluster-spec';
export * from './lab-events';
export * from './cluster-events';
export * from './clock-events';
export * from './netpol-events';
export * from './service-events';

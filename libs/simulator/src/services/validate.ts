import type { PortProtocol, ServiceType } from './types';

/** A Service as a command or manifest gives it; every field but the name is optional. */
export interface ServiceInput {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  type?: ServiceType;
  /** Pins the ClusterIP; "None" makes the Service headless. */
  clusterIP?: string;
  selector?: Record<string, string>;
  ports?: ServicePortInput[];
  sessionAffinity?: 'None' | 'ClientIP';
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
}

export interface ServicePortInput {
  name?: string;
  port: number;
  protocol?: PortProtocol;
  targetPort?: number | string;
  nodePort?: number;
}

/** A field error worded as the API server words it; path in Kubernetes' form (spec.ports[0].port). */
export interface ServiceIssue {
  path: string;
  message: string;
}

const TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer'];
const PROTOCOLS: readonly PortProtocol[] = ['TCP', 'UDP', 'SCTP'];
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const validPortNumber = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;

/** ValidateService's checks for the fields HopLab models (pkg/apis/core/validation). */
export function validateService(input: ServiceInput): ServiceIssue[] {
  const issues: ServiceIssue[] = [];
  const type = input.type ?? 'ClusterIP';
  if (!TYPES.includes(type)) issues.push({ path: 'spec.type', message: `Unsupported value: "${type}": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"` });
  const headless = input.clusterIP === 'None';
  if (headless && type !== 'ClusterIP') issues.push({ path: 'spec.clusterIP', message: `Invalid value: "None": may not be set to 'None' for ${type} services` });
  const ports = input.ports ?? [];
  if (ports.length === 0 && !headless) issues.push({ path: 'spec.ports', message: 'Required value' });
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const at = `spec.ports[${i}]`;
    const name = port.name ?? '';
    if (ports.length > 1 && name === '') issues.push({ path: `${at}.name`, message: 'Required value' });
    else if (name !== '') {
      if (!DNS1123_LABEL.test(name)) issues.push({ path: `${at}.name`, message: `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')` });
      else if (names.has(name)) issues.push({ path: `${at}.name`, message: `Duplicate value: "${name}"` });
      names.add(name);
    }
    if (!validPortNumber(port.port)) issues.push({ path: `${at}.port`, message: `Invalid value: ${JSON.stringify(port.port ?? null)}: must be between 1 and 65535, inclusive` });
    const protocol = port.protocol ?? 'TCP';
    if (!PROTOCOLS.includes(protocol)) issues.push({ path: `${at}.protocol`, message: `Unsupported value: "${protocol}": supported values: "SCTP", "TCP", "UDP"` });
    const target = port.targetPort;
    if (typeof target === 'number' && !validPortNumber(target)) {
      issues.push({ path: `${at}.targetPort`, message: `Invalid value: ${target}: must be between 1 and 65535, inclusive` });
    } else if (typeof target === 'string' && (target.length > 15 || !IANA_SVC_NAME.test(target) || !/[a-z]/.test(target) || target.includes('--'))) {
      issues.push({ path: `${at}.targetPort`, message: `Invalid value: "${target}": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)` });
    } else if (target !== undefined && typeof target !== 'number' && typeof target !== 'string') {
      issues.push({ path: `${at}.targetPort`, message: 'Invalid value: must be a port number or name' });
    }
    if (port.nodePort !== undefined && port.nodePort !== 0) {
      if (type === 'ClusterIP') issues.push({ path: `${at}.nodePort`, message: `Forbidden: may not be used when \`type\` is 'ClusterIP'` });
      else if (!validPortNumber(port.nodePort)) issues.push({ path: `${at}.nodePort`, message: `Invalid value: ${port.nodePort}: must be between 1 and 65535, inclusive` });
    }
    const key = `${port.port}/${protocol}`;
    if (seen.has(key)) issues.push({ path: at, message: `Duplicate value: core.ServicePort{Name:"${name}", Protocol:"${protocol}", Port:${port.port}}` });
    seen.add(key);
  });
  const etp = input.externalTrafficPolicy;
  if (etp !== undefined && type === 'ClusterIP') issues.push({ path: 'spec.externalTrafficPolicy', message: `Invalid value: "${etp}": may only be set for externally-accessible services` });
  if (etp !== undefined && etp !== 'Cluster' && etp !== 'Local') issues.push({ path: 'spec.externalTrafficPolicy', message: `Unsupported value: "${etp}": supported values: "Cluster", "Local"` });
  const itp = input.internalTrafficPolicy;
  if (itp !== undefined && itp !== 'Cluster' && itp !== 'Local') issues.push({ path: 'spec.internalTrafficPolicy', message: `Unsupported value: "${itp}": supported values: "Cluster", "Local"` });
  const affinity = input.sessionAffinity;
  if (affinity !== undefined && affinity !== 'None' && affinity !== 'ClientIP') issues.push({ path: 'spec.sessionAffinity', message: `Unsupported value: "${affinity}": supported values: "ClientIP", "None"` });
  return issues;
}

import type { NetworkPolicyObject } from './policy-view';

/** REST calls to the public contract (API.md), with the lab's bearer token and RFC 9457 problems as errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${status} ${title}${detail ? `: ${detail}` : ''}`);
  }
}

export interface LabSession {
  lab: string;
  token: string;
}

export async function request<T>(method: string, path: string, options: { token?: string; body?: unknown; yaml?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.yaml !== undefined) headers['content-type'] = 'application/yaml';
  const response = await fetch(`/api${path}`, {
    method,
    headers,
    body: options.yaml ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  const payload = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const problem = (payload ?? {}) as { title?: string; detail?: string };
    throw new ApiError(response.status, problem.title ?? response.statusText, problem.detail ?? '');
  }
  return payload as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { title: text.slice(0, 200) };
  }
}

export const labApi = (session: LabSession) => {
  const base = `/labs/${encodeURIComponent(session.lab)}`;
  const call = <T>(method: string, path: string, body?: unknown) => request<T>(method, `${base}${path}`, { token: session.token, body });
  return {
    lab: () => call<{ id: string; name: string; version: number }>('GET', ''),
    state: (at?: number) => call<LabStateView>('GET', `/state${at === undefined ? '' : `?at=${at}`}`),
    timeline: (after = 0) => call<TimelineEntry[]>('GET', `/timeline?after=${after}`),
    apply: (yaml: string) => request<{ version: number }>('POST', `${base}/apply`, { token: session.token, yaml }),
    clock: (body: { advance?: string; speed?: number }) => call<{ version: number }>('POST', '/clock', body),
    classroom: () => call<{ template: string; forks: StudentFork[] }>('GET', '/classroom'),
    openClassroom: (students: number) => call<{ forks: StudentFork[] }>('POST', '/classroom', { students }),
    resetFork: (fork: string) => call<StudentFork>('POST', `/classroom/${encodeURIComponent(fork)}/reset`),
    fork: (at: number) => call<CreatedLab>('POST', '/fork', { at }),
    trace: (body: TraceRequest) => call<TraceResult>('POST', '/traces', body),
    exec: (command: string, context: string) => call<ExecResult>('POST', '/exec', { command, context }),
    nodeTables: (node: string, at?: number) =>
      call<NodeTables>('GET', `/nodes/${encodeURIComponent(node)}/tables${at === undefined ? '' : `?at=${at}`}`),
    connectivity: (port: number, protocol: string, at?: number) =>
      call<Connectivity>('GET', `/connectivity?port=${port}&protocol=${protocol}${at === undefined ? '' : `&at=${at}`}`),
  };
};

export type LabApi = ReturnType<typeof labApi>;

/** A missing route (the backend piece has not landed yet) answers 404 with Nest's "Cannot POST ..." message. */
export function isMissingEndpoint(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && /^Cannot (GET|POST)/.test(error.detail || error.title);
}

export interface CreatedLab {
  id: string;
  name: string;
  version: number;
  tokens: { instructor: string; student: string; observer: string };
}

export interface LabStateView {
  version: number;
  time: number;
  cluster: { cni: { plugin: string; backend?: string | null }; podCIDR: string; nodeNetwork: string };
  nodes: { name: string; ip: string; podCIDR: string; role?: string; ready: boolean }[];
  namespaces: { name: string; labels: Record<string, string> }[];
  pods: { namespace: string; name: string; labels: Record<string, string>; node: string; ip: string; phase: string }[];
  routers?: { name: string; interfaces: { ip: string; network: string }[]; routes: { dst: string; via: string }[] }[];
  services: { namespace: string; name: string; type: string; clusterIP: string; ports: { port: number; protocol: string }[]; endpoints: string[] }[];
  networkPolicies: NetworkPolicyObject[];
}

export interface TimelineEntry {
  kind: 'event' | 'derived';
  seq?: number;
  type: string;
  time: number;
  actor?: string;
  node?: string;
}

export interface Hop {
  index: number;
  node: string;
  netns: string;
  device: string;
  layer: string;
  action: string;
  summary: string;
  packet?: Record<string, unknown>;
  rule?: string;
  causedBy?: number;
}

export interface TraceRequest {
  from: string | Record<string, string>;
  to: string | Record<string, string>;
  port?: number;
  protocol: string;
  at?: number;
  stream?: boolean;
}

export interface TraceResult {
  id: string;
  verdict?: string;
  reason?: string;
  explanation?: string;
  hops?: Hop[];
  at?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  version?: number;
  /** The shell's prompt for the next line, e.g. "root@minikube-m02:/# ". */
  prompt?: string;
  /** Where the next line runs: `minikube ssh` moves into a node, `exit` back out. */
  context?: string;
}

/** A node's routes, neighbours, FDB and nat rules as the lab shell prints them, as of an event. */
export interface NodeTables {
  version: number;
  node: string;
  tables: { command: string; stdout: string; stderr: string }[];
}

export interface Connectivity {
  pods: string[];
  matrix: boolean[][];
}

export interface StudentFork {
  student: number;
  id: string;
  name: string;
  tokens: CreatedLab['tokens'];
}

import type { Rule } from '../iptables';
import { byKey, cachedPortRules, isNodeDependent, portEndpoints, serviceKey } from './service-memo';
import type { RuleContext, ServicePortRules } from './service-rules';
import type { EndpointInput, KubeProxyInput, ServiceInput } from './types';

export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

/** A Service (key "ns/name") that changed since the last sync: its new spec (undefined when deleted) and endpoints. */
export interface ServiceChange {
  key: string;
  service?: ServiceInput;
  /** Endpoints per servicePortName of this service. */
  endpoints: ReadonlyMap<string, readonly EndpointInput[]>;
}

export interface ServiceEntry {
  service: ServiceInput;
  ports: ServicePortRules[];
  endpointCount: number;
  /** Every jump of its rules reaches one of its own chains or KUBE-MARK-MASQ. */
  selfContained: boolean;
}

/** What applying changes did: the keys written again (sorted) and each change's entry before it. */
export interface Applied {
  rewritten: string[];
  changes: ServiceChange[];
  previous: (ServiceEntry | undefined)[];
}

/** The top-level chains every sync rewrites whole, built from each service's share in KUBE-SERVICES order. */
const TOP_LEVEL = ['filterServices', 'filterExternalServices', 'natServices', 'natNodePorts'] as const;

/** Past this many changed services the top-level chains are rebuilt instead of splicing each share. */
const PATCH_LIMIT = 64;

const written = (service: ServiceInput) => service.clusterIP !== 'None' && service.clusterIP !== '';

/**
 * The services kube-proxy writes, each with its rules for one context, in KUBE-SERVICES order
 * (sorted by "ns/name": real kube-proxy iterates a Go map, so its order is random; upstream tests
 * sort too), and the four top-level chains made of their shares. Kept by a node's builder between
 * syncs, and once per lab for every node (SharedServiceRules).
 */
export class ServiceSet {
  entries = new Map<string, ServiceEntry>();
  order: string[] = [];
  /** The four top-level chains' rules in `order`, and each service's count per chain (4 per index of `order`). */
  topLevel: Rule[][] = [[], [], [], []];
  counts = new Int32Array(0);
  /** Stored services whose rules jump outside their own chains (see selfContained). */
  openEntries = 0;
  /** Stored services with a Local traffic policy. */
  nodeDependent = 0;
  totalEndpoints = 0;
  largeClusterMode = false;

  constructor(private context: RuleContext) {}

  get clusterCIDR(): string {
    return this.context.clusterCIDR;
  }

  /** A copy for another context of the same cluster CIDR and no node-dependent service: same rules, own lists. */
  copyFor(context: RuleContext): ServiceSet {
    const copy = new ServiceSet({ ...context, largeClusterMode: this.largeClusterMode });
    copy.entries = new Map(this.entries);
    copy.order = this.order;
    copy.topLevel = this.topLevel.map((list) => list.slice());
    copy.counts = this.counts.slice();
    copy.openEntries = this.openEntries;
    copy.nodeDependent = this.nodeDependent;
    copy.totalEndpoints = this.totalEndpoints;
    copy.largeClusterMode = this.largeClusterMode;
    return copy;
  }

  /** Every service from the input; returns the entries it had before. */
  build(input: Pick<KubeProxyInput, 'services' | 'endpoints'>): Map<string, ServiceEntry> {
    const previous = this.entries;
    this.entries = new Map();
    this.openEntries = 0;
    this.nodeDependent = 0;
    const services = input.services.filter(written);
    const lists = services.map((service) => portEndpoints(service, input.endpoints));
    this.totalEndpoints = 0;
    for (const list of lists) for (const endpoints of list) this.totalEndpoints += endpoints.length;
    this.largeClusterMode = this.totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
    services.forEach((service, i) => this.store(service, lists[i]));
    this.order = [...this.entries.keys()].sort(byKey);
    this.rebuildTopLevel();
    return previous;
  }

  /** Applies the changed services (the last change of a key counts). */
  apply(given: readonly ServiceChange[]): Applied {
    const changes = [...new Map(given.map((change) => [change.key, change])).values()];
    let keysChanged = false;
    const lists = changes.map((change) => (change.service && change.service.clusterIP !== 'None' ? portEndpoints(change.service, change.endpoints) : undefined));
    const previous = changes.map((change) => this.entries.get(change.key));
    changes.forEach((change, i) => {
      if (previous[i]) this.totalEndpoints -= previous[i].endpointCount;
      for (const list of lists[i] ?? []) this.totalEndpoints += list.length;
    });
    this.largeClusterMode = this.totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
    const rewritten: string[] = [];
    const replaced = new Set<string>();
    changes.forEach((change, i) => {
      const before = previous[i];
      if (before) this.forget(before);
      const existed = this.entries.delete(change.key);
      const list = lists[i];
      if (change.service && list) {
        this.store(change.service, list);
        rewritten.push(change.key);
        keysChanged ||= !existed;
        if (before) replaced.add(change.key);
      } else keysChanged ||= existed;
    });
    if (keysChanged) {
      this.order = [...this.entries.keys()].sort(byKey);
      this.rebuildTopLevel();
    } else if (replaced.size > PATCH_LIMIT) this.rebuildTopLevel();
    else this.patchTopLevel(replaced);
    return { rewritten: rewritten.sort(byKey), changes, previous };
  }

  private forget(entry: ServiceEntry): void {
    if (!entry.selfContained) this.openEntries--;
    if (isNodeDependent(entry.service)) this.nodeDependent--;
  }

  private store(service: ServiceInput, portEndpoints: readonly (readonly EndpointInput[])[]): void {
    if (this.context.largeClusterMode !== this.largeClusterMode) this.context = { ...this.context, largeClusterMode: this.largeClusterMode };
    const ports = cachedPortRules(service, portEndpoints, this.context);
    let selfContained = true;
    let endpointCount = 0;
    for (const port of ports) if (!port.selfContained) selfContained = false;
    for (const list of portEndpoints) endpointCount += list.length;
    const key = serviceKey(service);
    const replaced = this.entries.get(key);
    if (replaced) this.forget(replaced);
    if (!selfContained) this.openEntries++;
    if (isNodeDependent(service)) this.nodeDependent++;
    this.entries.set(key, { service, ports, endpointCount, selfContained });
  }

  private rebuildTopLevel(): void {
    const lists: Rule[][] = [[], [], [], []];
    const counts = new Int32Array(this.order.length * 4);
    this.order.forEach((key, index) => {
      for (const port of this.entries.get(key)!.ports) {
        for (let i = 0; i < 4; i++) {
          const rules = port[TOP_LEVEL[i]];
          for (const r of rules) lists[i].push(r);
          counts[index * 4 + i] += rules.length;
        }
      }
    });
    this.counts = counts;
    this.topLevel = lists;
  }

  /**
   * The same services in the same order: each replaced service's share of the top-level chains is
   * spliced in place, last first so the offsets (summed in one pass) of the earlier ones still hold.
   */
  private patchTopLevel(replaced: ReadonlySet<string>): void {
    const indexes = [...replaced].map((key) => binarySearch(this.order, key)).sort((a, b) => a - b);
    const offsets: number[][] = [];
    const running = [0, 0, 0, 0];
    let next = 0;
    for (const index of indexes) {
      for (; next < index; next++) for (let i = 0; i < 4; i++) running[i] += this.counts[next * 4 + i];
      offsets.push(running.slice());
    }
    for (let k = indexes.length - 1; k >= 0; k--) {
      const index = indexes[k];
      const entry = this.entries.get(this.order[index])!;
      for (let i = 0; i < 4; i++) {
        const fresh: Rule[] = [];
        for (const port of entry.ports) for (const r of port[TOP_LEVEL[i]]) fresh.push(r);
        this.topLevel[i].splice(offsets[k][i], this.counts[index * 4 + i], ...fresh);
        this.counts[index * 4 + i] = fresh.length;
      }
    }
  }
}

function binarySearch(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

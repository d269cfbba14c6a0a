import type { LabState, NodeState } from '../cluster/types';
import { createNetfilter, runIptables } from '../iptables';
import type { Netfilter } from '../iptables';
import {
  applyKubeletChains, applyKubeProxySync, ensureKubeProxyCanaries, KUBE_PROXY_CANARY, KUBELET_CANARY, KubeProxyRuleBuilder,
  natChainNames, afterSync, nextSync, CANARY_SETTLE_MS,
} from '../kube-proxy';
import type { NextSync, ServiceChange, SyncLoopState } from '../kube-proxy';
import { servicePortName } from '../kube-proxy/chain-names';
import type { EndpointInput } from '../kube-proxy/types';
import { clusterServices, kubeProxyConfig, kubeProxyInput } from './kube-proxy-input';

/** One kube-proxy sync on a node, as the timeline shows it. */
export interface KubeProxySynced {
  kind: 'derived';
  type: 'KubeProxySynced';
  node: string;
  time: number;
  full: boolean;
  reason: NextSync['reason'];
  /** What the sync put back that was missing (jumps from built-in chains, flushed or deleted chains). */
  restored: string[];
  /** false when iptables-restore failed (1.28+ after `-t nat -X`): a full sync follows syncPeriod later. */
  ok: boolean;
}

/**
 * kubelet's Monitor found its KUBE-KUBELET-CANARY gone from the mangle table (polled every minute)
 * and set up its chains again: KUBE-FIREWALL, its rule and the jumps to it, the canaries.
 */
export interface KubeletResynced {
  kind: 'derived';
  type: 'KubeletResynced';
  node: string;
  time: number;
  restored: string[];
}

/** kubelet checks its canary every minute. */
export const KUBELET_MONITOR_PERIOD_MS = 60_000;

export interface NodeSimulation {
  /** Undefined when the simulation ran without tables (a node the user never touched). */
  netfilter?: Netfilter;
  syncs: (KubeProxySynced | KubeletResynced)[];
  /** The sync loop after the last sync up to the time simulated, and the next sync it will run. */
  loop: SyncLoopState;
  next: NextSync;
  /** Whether the user changed this node's tables since kube-proxy's last successful full sync. */
  touched: boolean;
}

type Item =
  | { time: number; seq: number; kind: 'mutation'; args: string[] }
  | { time: number; seq: number; kind: 'change'; service: string }
  | { time: number; seq: number; kind: 'restart' };

/**
 * The node's inputs in time order: its own (user changes, restarts: few) merged with the lab's
 * Service/endpoint change log (appended in seq order, so already sorted), without copying the log.
 */
class Items {
  private readonly own: Item[] = [];
  private ownIndex = 0;
  private changeIndex: number;

  constructor(private readonly state: LabState, node: NodeState) {
    const log = state.proxy.nodes.get(node.name);
    for (const m of log?.mutations ?? []) this.own.push({ time: m.time, seq: m.seq, kind: 'mutation', args: m.args });
    // A restart is recorded by time only; it runs after the other events of its instant.
    for (const time of log?.restarts ?? []) this.own.push({ time, seq: Number.MAX_SAFE_INTEGER, kind: 'restart' });
    this.own.sort((a, b) => a.time - b.time || a.seq - b.seq);
    const changes = state.proxy.changes;
    let low = 0;
    let high = changes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (changes[mid].time < node.createdAt) low = mid + 1;
      else high = mid;
    }
    this.changeIndex = low;
  }

  peek(): Item | undefined {
    const own = this.own[this.ownIndex];
    const change = this.state.proxy.changes[this.changeIndex];
    if (change && (!own || change.time < own.time || (change.time === own.time && change.seq < own.seq))) {
      return { time: change.time, seq: change.seq, kind: 'change', service: change.service };
    }
    return own;
  }

  next(item: Item): void {
    if (item.kind === 'change') this.changeIndex++;
    else this.ownIndex++;
  }
}

/** Chains and their rule counts, to name what a sync put back. */
function ruleCounts(netfilter: Netfilter): Map<string, number> {
  const counts = new Map<string, number>();
  for (const table of ['filter', 'nat'] as const) for (const [name, chain] of netfilter[table].chains) counts.set(`${table} ${name}`, chain.rules.length);
  return counts;
}

function restoredSince(before: Map<string, number>, netfilter: Netfilter): string[] {
  const restored: string[] = [];
  let serviceChains = 0;
  for (const [key, count] of ruleCounts(netfilter)) {
    if (count === 0 || (before.get(key) ?? 0) >= count) continue;
    if (/ KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(key)) serviceChains++;
    else restored.push(`rules of ${key}`);
  }
  if (serviceChains > 0) restored.push(`${serviceChains} KUBE-SVC/SEP chain${serviceChains === 1 ? '' : 's'}`);
  return restored;
}

/**
 * kube-proxy on one node from its start up to `until` (ms of lab time): node boot (kubelet's chains,
 * the canaries, a full sync), then in time order the user's iptables changes, Service/endpoint
 * changes, restarts, and the syncs the version's policy runs between them. `state` is the lab at
 * `until`; each sync writes the Services as they are in it (a change not yet synced by `until`
 * shows in the rules of syncs before it, up to minSyncPeriod early).
 * Without `withTables` only the schedule is computed: exact when the user never changed the node's
 * tables, since then no restore can fail.
 */
export function simulateNode(state: LabState, node: NodeState, until: number, withTables: boolean): NodeSimulation {
  const config = kubeProxyConfig(state);
  const services = clusterServices(state);
  const items = new Items(state, node);
  let netfilter: Netfilter | undefined;
  let builder: KubeProxyRuleBuilder | undefined;
  if (withTables) {
    netfilter = createNetfilter();
    applyKubeletChains(netfilter);
    ensureKubeProxyCanaries(netfilter);
  }
  let loop: SyncLoopState = { startedAt: node.createdAt, needFullSync: true };
  const syncs: (KubeProxySynced | KubeletResynced)[] = [];
  const changed = new Set<string>();
  /** When kubelet will notice its mangle canary gone and set its chains up again. */
  let kubeletResyncAt: number | undefined;
  let dirty = true;
  let touched = false;
  let now = node.createdAt;
  for (;;) {
    const next = nextSync(config, loop, now);
    const item = items.peek();
    if (netfilter && kubeletResyncAt !== undefined && kubeletResyncAt <= next.at && kubeletResyncAt <= until && !(item && item.time <= kubeletResyncAt)) {
      now = kubeletResyncAt;
      const before = ruleCounts(netfilter);
      applyKubeletChains(netfilter);
      syncs.push({ kind: 'derived', type: 'KubeletResynced', node: node.name, time: now, restored: restoredSince(before, netfilter) });
      kubeletResyncAt = undefined;
      continue;
    }
    if (item && item.time <= next.at && item.time <= until) {
      items.next(item);
      now = Math.max(now, item.time);
      if (item.kind === 'change') {
        changed.add(item.service);
        loop = { ...loop, pendingChangeSince: loop.pendingChangeSince ?? item.time };
      } else if (item.kind === 'restart') {
        loop = { startedAt: item.time, needFullSync: true };
        dirty = true;
        if (netfilter) ensureKubeProxyCanaries(netfilter);
      } else {
        touched = true;
        dirty = true;
        if (netfilter) {
          runIptables(netfilter, item.args);
          const gone = (table: 'mangle' | 'nat' | 'filter') => !netfilter![table].chains.has(KUBE_PROXY_CANARY);
          if (loop.canaryDeletedAt === undefined && gone('mangle')) {
            loop = { ...loop, canaryDeletedAt: item.time, allCanariesGone: gone('nat') && gone('filter') };
          }
          const kubeletGone = (table: 'mangle' | 'nat' | 'filter') => !netfilter![table].chains.has(KUBELET_CANARY);
          if (kubeletResyncAt === undefined && kubeletGone('mangle')) {
            const polls = Math.max(1, Math.ceil((item.time - node.createdAt) / KUBELET_MONITOR_PERIOD_MS));
            kubeletResyncAt = node.createdAt + polls * KUBELET_MONITOR_PERIOD_MS + (kubeletGone('nat') && kubeletGone('filter') ? 0 : CANARY_SETTLE_MS);
          }
        }
      }
      continue;
    }
    if (next.at > until) return { netfilter, syncs, loop, next, touched };
    now = next.at;
    let ok = true;
    let restored: string[] = [];
    if (netfilter && (dirty || changed.size > 0)) {
      if (!builder) {
        const input = kubeProxyInput(state, node);
        builder = new KubeProxyRuleBuilder(input.node, input.cluster, config.version);
      }
      const before = touched ? ruleCounts(netfilter) : undefined;
      const output =
        next.kind === 'full'
          ? builder.fullSync(services, natChainNames(netfilter))
          : builder.partialSync(changesFor(changed, services), natChainNames(netfilter));
      const applied = applyKubeProxySync(netfilter, output, config.version);
      ok = applied.restore.ok;
      if (next.reason === 'canary-lost' || next.reason === 'startup') ensureKubeProxyCanaries(netfilter);
      if (before) restored = [...applied.restoredJumps.map((jump) => `jump ${jump}`), ...restoredSince(before, netfilter)];
      if (ok) dirty = false;
      if (ok && next.kind === 'full') touched = false;
    }
    changed.clear();
    syncs.push({ kind: 'derived', type: 'KubeProxySynced', node: node.name, time: next.at, full: next.kind === 'full', reason: next.reason, restored, ok });
    loop = afterSync(loop, next, next.at, ok);
  }
}

function changesFor(keys: ReadonlySet<string>, services: ReturnType<typeof clusterServices>): ServiceChange[] {
  return [...keys].map((key) => {
    const service = services.byKey.get(key);
    const endpoints = new Map<string, EndpointInput[]>();
    for (const port of service?.ports ?? []) {
      const spn = servicePortName(service!.namespace, service!.name, port.name);
      endpoints.set(spn, services.endpoints.get(spn) ?? []);
    }
    return { key, service, endpoints };
  });
}

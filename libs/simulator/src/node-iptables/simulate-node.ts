import type { LabState, NodeState } from '../cluster/types';
import { createNetfilter, runIptables } from '../iptables';
import type { Netfilter } from '../iptables';
import {
  applyKubeletChains, applyKubeProxySync, ensureKubeProxyCanaries, KUBE_PROXY_CANARY, KUBELET_CANARY, KubeProxyRuleBuilder,
  natChainNames, afterSync, nextSync, CANARY_SETTLE_MS, LARGE_CLUSTER_ENDPOINTS_THRESHOLD,
} from '../kube-proxy';
import type { NextSync, SyncLoopState } from '../kube-proxy';
import { clusterServices, kubeProxyConfig, kubeProxyInput, serviceChanges, sharedServiceRules } from './kube-proxy-input';
import { applyPluginChains } from '../cni/plugin-chains';
import { kubeProxyReplaced } from '../cni/plugins';

/** With cilium's kube-proxy replacement no kube-proxy runs: no sync ever comes. */
const NO_KUBE_PROXY: NextSync = { at: Infinity, kind: 'full', reason: 'startup', restores: [] };

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
  /** Undefined when only the schedule was computed (controllerOccurrences, for nodes the user never touched). */
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
 * kube-proxy (and kubelet's canary Monitor) on one node from its start: node boot (kubelet's chains,
 * the canaries, a full sync), then in time order the user's iptables changes, Service/endpoint
 * changes, restarts, and the syncs the version's policy runs between them. Each sync writes the
 * Services as they are in the state given (a change not yet synced shows up to minSyncPeriod early
 * in a simulation run from scratch). Without tables only the schedule is computed: exact when the
 * user never changed the node's tables, since then no restore can fail.
 */
export class NodeKubeProxy {
  private readonly items: Items;
  private readonly netfilter?: Netfilter;
  private builder?: KubeProxyRuleBuilder;
  private loop: SyncLoopState;
  private readonly syncs: (KubeProxySynced | KubeletResynced)[] = [];
  private readonly changed = new Set<string>();
  private dirty = true;
  private touched = false;
  /** No user command reached the tables in this run and every restore applied: see applyWrites' `trusted`. */
  private trusted = true;
  private now: number;
  /** Time of the last item or sync processed: later inputs can extend this run (see canExtend). */
  private lastProcessed = -Infinity;
  /** When kubelet will notice its mangle canary gone and set its chains up again. */
  private kubeletResyncAt?: number;
  /** Last stale-chain cleanup: in large-cluster mode kube-proxy runs it at most once per syncPeriod. */
  private lastCleanupAt?: number;
  private version = -1;
  private until = -Infinity;
  private readonly replaced: boolean;

  constructor(state: LabState, private readonly node: NodeState, withTables: boolean) {
    this.items = new Items(state, node);
    this.loop = { startedAt: node.createdAt, needFullSync: true };
    this.now = node.createdAt;
    this.replaced = kubeProxyReplaced(state.cluster);
    if (withTables) {
      this.netfilter = createNetfilter();
      applyKubeletChains(this.netfilter);
      if (!this.replaced) ensureKubeProxyCanaries(this.netfilter);
    }
  }

  /**
   * Whether running on to `until` with the newer `state` gives what a run from scratch would: the
   * user never touched the node, nothing was pending, and every new change comes after what was
   * processed and is synced by `until`. The tables are then changed in place.
   */
  canExtend(state: LabState, until: number): boolean {
    if (!this.netfilter || state.version < this.version || until < this.until) return false;
    if (state.nodes.get(this.node.name) !== this.node || state.proxy.nodes.has(this.node.name)) return false;
    if (this.changed.size > 0 || this.loop.pendingChangeSince !== undefined) return false;
    const changes = state.proxy.changes;
    let latest = -Infinity;
    for (let i = changes.length - 1; i >= 0 && changes[i].seq > this.version; i--) {
      if (changes[i].time <= this.lastProcessed) return false;
      latest = Math.max(latest, changes[i].time);
    }
    return latest === -Infinity || until >= latest + kubeProxyConfig(state).minSyncPeriodMs;
  }

  run(state: LabState, until: number): NodeSimulation {
    const config = kubeProxyConfig(state);
    const services = clusterServices(state);
    const { items, netfilter, node, changed } = this;
    this.version = state.version;
    this.until = until;
    for (;;) {
      const next = this.replaced ? NO_KUBE_PROXY : nextSync(config, this.loop, this.now);
      const item = items.peek();
      const kubeletAt = this.kubeletResyncAt;
      if (netfilter && kubeletAt !== undefined && kubeletAt <= next.at && kubeletAt <= until && !(item && item.time <= kubeletAt)) {
        this.now = this.lastProcessed = kubeletAt;
        const before = ruleCounts(netfilter);
        applyKubeletChains(netfilter);
        this.syncs.push({ kind: 'derived', type: 'KubeletResynced', node: node.name, time: kubeletAt, restored: restoredSince(before, netfilter) });
        this.kubeletResyncAt = undefined;
        continue;
      }
      if (item && item.time <= next.at && item.time <= until) {
        items.next(item);
        this.now = Math.max(this.now, item.time);
        this.lastProcessed = item.time;
        this.process(item);
        continue;
      }
      if (next.at > until) {
        // The CNI agent (calico's Felix) keeps its own chains in step with the lab as it is at `until`.
        if (netfilter) applyPluginChains(netfilter, state, node);
        return { netfilter, syncs: this.syncs.slice(), loop: this.loop, next, touched: this.touched };
      }
      this.now = this.lastProcessed = next.at;
      let ok = true;
      let restored: string[] = [];
      if (netfilter && (this.dirty || changed.size > 0)) {
        if (!this.builder) {
          const input = kubeProxyInput(state, node);
          this.builder = new KubeProxyRuleBuilder(input.node, input.cluster, config.version);
        }
        const before = this.touched ? ruleCounts(netfilter) : undefined;
        const largeCluster = services.totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
        const cleanup = !largeCluster || this.lastCleanupAt === undefined || next.at - this.lastCleanupAt > config.syncPeriodMs;
        if (cleanup) this.lastCleanupAt = next.at;
        // On tables only kube-proxy wrote, the stale chains are the ones its builder retired: no scan of every chain.
        const builder = this.builder;
        const existing = !cleanup ? undefined : this.trusted ? (name: string) => netfilter.nat.chains.has(name) : natChainNames(netfilter);
        const output = next.kind === 'full' ? builder.fullSync(services, existing, sharedServiceRules(state)) : builder.partialSync(serviceChanges(changed, services), existing);
        const applied = applyKubeProxySync(netfilter, output, config.version, this.trusted);
        ok = applied.restore.ok;
        if (!ok) this.trusted = false;
        if (next.reason === 'canary-lost' || next.reason === 'startup') ensureKubeProxyCanaries(netfilter);
        if (before) restored = [...applied.restoredJumps.map((jump) => `jump ${jump}`), ...restoredSince(before, netfilter)];
        if (ok) this.dirty = false;
        if (ok && next.kind === 'full') this.touched = false;
      }
      changed.clear();
      this.syncs.push({ kind: 'derived', type: 'KubeProxySynced', node: node.name, time: next.at, full: next.kind === 'full', reason: next.reason, restored, ok });
      this.loop = afterSync(this.loop, next, next.at, ok);
    }
  }

  private process(item: Item): void {
    const netfilter = this.netfilter;
    if (item.kind === 'change') {
      if (this.replaced) return;
      this.changed.add(item.service);
      if (this.loop.pendingChangeSince === undefined) this.loop = { ...this.loop, pendingChangeSince: item.time };
      return;
    }
    this.dirty = true;
    if (item.kind === 'restart') {
      this.loop = { startedAt: item.time, needFullSync: true };
      if (netfilter) ensureKubeProxyCanaries(netfilter);
      return;
    }
    this.touched = true;
    this.trusted = false;
    if (!netfilter) return;
    runIptables(netfilter, item.args);
    const gone = (table: 'mangle' | 'nat' | 'filter', chain: string) => !netfilter[table].chains.has(chain);
    if (this.loop.canaryDeletedAt === undefined && gone('mangle', KUBE_PROXY_CANARY)) {
      this.loop = { ...this.loop, canaryDeletedAt: item.time, allCanariesGone: gone('nat', KUBE_PROXY_CANARY) && gone('filter', KUBE_PROXY_CANARY) };
    }
    if (this.kubeletResyncAt === undefined && gone('mangle', KUBELET_CANARY)) {
      const polls = Math.max(1, Math.ceil((item.time - this.node.createdAt) / KUBELET_MONITOR_PERIOD_MS));
      const settle = gone('nat', KUBELET_CANARY) && gone('filter', KUBELET_CANARY) ? 0 : CANARY_SETTLE_MS;
      this.kubeletResyncAt = this.node.createdAt + polls * KUBELET_MONITOR_PERIOD_MS + settle;
    }
  }
}

/** The node's kube-proxy from its start up to `until` (ms of lab time), from scratch. */
export function simulateNode(state: LabState, node: NodeState, until: number, withTables: boolean): NodeSimulation {
  return new NodeKubeProxy(state, node, withTables).run(state, until);
}

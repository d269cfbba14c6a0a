import { executeCommand, parseIptablesArgs, saveRuleSpec } from '../iptables';
import { applyWrites } from './apply-writes';
import type { Netfilter, RestoreResult, TableName } from '../iptables';
import type { SyncOutput } from './ruleset';
import type { KubeProxyVersion } from './types';

export const KUBE_PROXY_CANARY = 'KUBE-PROXY-CANARY';
export const KUBELET_CANARY = 'KUBE-KUBELET-CANARY';

interface JumpRule {
  table: TableName;
  chain: string;
  args: string[];
}

const jump = (table: TableName, from: string, to: string, comment?: string, extra: string[] = []): JumpRule => ({
  table,
  chain: from,
  args: [...extra, ...(comment ? ['-m', 'comment', '--comment', comment] : []), '-j', to],
});
const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'];

/** iptablesJumpChains, in the order kube-proxy ensures them (each prepended, so the last ends up first). */
const KUBE_PROXY_JUMPS: readonly JumpRule[] = [
  jump('filter', 'INPUT', 'KUBE-EXTERNAL-SERVICES', 'kubernetes externally-visible service portals', NEW),
  jump('filter', 'FORWARD', 'KUBE-EXTERNAL-SERVICES', 'kubernetes externally-visible service portals', NEW),
  jump('filter', 'INPUT', 'KUBE-NODEPORTS', 'kubernetes health check service ports'),
  jump('filter', 'FORWARD', 'KUBE-SERVICES', 'kubernetes service portals', NEW),
  jump('filter', 'OUTPUT', 'KUBE-SERVICES', 'kubernetes service portals', NEW),
  jump('filter', 'FORWARD', 'KUBE-FORWARD', 'kubernetes forwarding rules'),
  jump('filter', 'INPUT', 'KUBE-PROXY-FIREWALL', 'kubernetes load balancer firewall', NEW),
  jump('filter', 'OUTPUT', 'KUBE-PROXY-FIREWALL', 'kubernetes load balancer firewall', NEW),
  jump('filter', 'FORWARD', 'KUBE-PROXY-FIREWALL', 'kubernetes load balancer firewall', NEW),
  jump('nat', 'OUTPUT', 'KUBE-SERVICES', 'kubernetes service portals'),
  jump('nat', 'PREROUTING', 'KUBE-SERVICES', 'kubernetes service portals'),
  jump('nat', 'POSTROUTING', 'KUBE-POSTROUTING', 'kubernetes postrouting rules'),
];

/** iptablesKubeletJumpChains: kube-proxy 1.28+ (localhostNodePorts) also ensures kubelet's KUBE-FIREWALL jumps. */
const KUBELET_FIREWALL_JUMPS: readonly JumpRule[] = [jump('filter', 'INPUT', 'KUBE-FIREWALL'), jump('filter', 'OUTPUT', 'KUBE-FIREWALL')];

function run(netfilter: Netfilter, table: TableName, args: string[]): void {
  const outcome = executeCommand(netfilter, parseIptablesArgs(['-t', table, ...args]));
  if (!outcome.ok) throw new Error(`iptables -t ${table} ${args.join(' ')}: ${JSON.stringify(outcome.problem)}`);
}

/** EnsureChain: `iptables -N` unless the chain exists. */
export function ensureChain(netfilter: Netfilter, table: TableName, chain: string): boolean {
  if (netfilter[table].chains.has(chain)) return false;
  run(netfilter, table, ['-N', chain]);
  return true;
}

/** EnsureRule(Prepend): `iptables -C`, then `iptables -I <chain>` if missing. */
function ensurePrepended(netfilter: Netfilter, rule: JumpRule): boolean {
  const command = parseIptablesArgs(['-t', rule.table, '-I', rule.chain, ...rule.args]);
  if (command.op !== 'insert') throw new Error('unreachable');
  const spec = saveRuleSpec(command.rule);
  if (netfilter[rule.table].chains.get(rule.chain)!.rules.some((r) => saveRuleSpec(r) === spec)) return false;
  run(netfilter, rule.table, ['-I', rule.chain, ...rule.args]);
  return true;
}

/**
 * What kubelet sets up when it starts (pkg/kubelet/kubelet_network_linux.go): the mangle hint chain,
 * its canaries, and KUBE-FIREWALL with its rule and the jumps from INPUT and OUTPUT.
 */
export function applyKubeletChains(netfilter: Netfilter): void {
  ensureChain(netfilter, 'mangle', 'KUBE-IPTABLES-HINT');
  ensureChain(netfilter, 'filter', 'KUBE-FIREWALL');
  const firewall = netfilter.filter.chains.get('KUBE-FIREWALL')!;
  if (firewall.rules.length === 0) {
    run(netfilter, 'filter', [
      '-I', 'KUBE-FIREWALL', '-m', 'comment', '--comment', 'block incoming localnet connections', '--dst', '127.0.0.0/8',
      '!', '--src', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP',
    ]);
  }
  for (const chain of ['OUTPUT', 'INPUT']) ensurePrepended(netfilter, jump('filter', chain, 'KUBE-FIREWALL'));
  for (const table of ['mangle', 'nat', 'filter'] as const) ensureChain(netfilter, table, KUBELET_CANARY);
}

/** kube-proxy's Monitor (re)creates its canary in mangle, nat and filter. */
export function ensureKubeProxyCanaries(netfilter: Netfilter): void {
  for (const table of ['mangle', 'nat', 'filter'] as const) ensureChain(netfilter, table, KUBE_PROXY_CANARY);
}

/** The full-sync extras: every top-level chain and every jump from a built-in chain. Returns the jumps it had to add back. */
export function ensureJumpRules(netfilter: Netfilter, version: KubeProxyVersion): string[] {
  const restored: string[] = [];
  const jumps = version === '1.26' ? KUBE_PROXY_JUMPS : [...KUBE_PROXY_JUMPS, ...KUBELET_FIREWALL_JUMPS];
  for (const rule of jumps) {
    const target = rule.args[rule.args.length - 1];
    ensureChain(netfilter, rule.table, target);
    if (ensurePrepended(netfilter, rule)) restored.push(`${rule.table} ${rule.chain} -> ${target}`);
  }
  return restored;
}

export interface AppliedSync {
  restore: RestoreResult;
  /** Jumps from built-in chains a full sync put back. */
  restoredJumps: string[];
}

/**
 * Applies one kube-proxy sync to a node's tables: jumps first on a full sync, then iptables-restore
 * --noflush (`trusted`: see applyWrites).
 */
export function applyKubeProxySync(netfilter: Netfilter, sync: SyncOutput, version: KubeProxyVersion, trusted = false): AppliedSync {
  const restoredJumps = sync.kind === 'full' ? ensureJumpRules(netfilter, version) : [];
  return { restore: applyWrites(netfilter, sync, trusted), restoredJumps };
}

/** Service chains in the node's nat table, for kube-proxy's stale-chain cleanup. */
export function natChainNames(netfilter: Netfilter): string[] {
  return [...netfilter.nat.chains.keys()];
}

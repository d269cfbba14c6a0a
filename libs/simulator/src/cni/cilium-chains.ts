import type { LabState, NodeState } from '../cluster/types';
import { runIptables, type Netfilter } from '../iptables';
import { deviceAddress } from './plugin-node';
import { CILIUM } from './plugins';

/**
 * The iptables rules cilium-agent installs next to its eBPF programs (pkg/datapath/iptables), as
 * `iptables -S` shows them on a cilium 1.17 node: the CILIUM_* filter chains accepting what eBPF
 * already decided, the nat chains with the iptables masquerade of pod traffic leaving the pod
 * network (bpf.masquerade off, the chart's default), fed from the top of the built-in chains.
 * With or without kube-proxy replacement the set is the same: Services never go through it.
 */
const comment = (text: string) => ['-m', 'comment', '--comment', text];

function feeders(table: 'filter' | 'nat'): string[][] {
  const chains = table === 'filter' ? [['INPUT', 'CILIUM_INPUT'], ['FORWARD', 'CILIUM_FORWARD'], ['OUTPUT', 'CILIUM_OUTPUT']] : [['PREROUTING', 'CILIUM_PRE_nat'], ['OUTPUT', 'CILIUM_OUTPUT_nat'], ['POSTROUTING', 'CILIUM_POST_nat']];
  return chains.flatMap(([hook, chain]) => [
    ['-t', table, '-N', chain],
    ['-t', table, '-I', hook, '1', ...comment(`cilium-feeder: ${chain}`), '-j', chain],
  ]);
}

function ciliumRules(state: LabState, node: NodeState): string[][] {
  const router = deviceAddress(node, CILIUM.host);
  // Tunnel mode masquerades what leaves the node's allocation range; native routing, the native-routing CIDR.
  const range = state.cluster.cni.backend === 'native' ? state.cluster.podCIDR : node.pluginNet?.podRange ?? node.podCIDR;
  const notProxy = ['0xd00/0xf00', '0xe00/0xf00', '0x400/0xf00', '0xa00/0xe00', '0x800/0xe00'].flatMap((mark) => ['-m', 'mark', '!', '--mark', mark]);
  return [
    ...feeders('filter'),
    ['-A', 'CILIUM_FORWARD', '-o', CILIUM.host, ...comment('cilium: any->cluster on cilium_host forward accept'), '-j', 'ACCEPT'],
    ['-A', 'CILIUM_FORWARD', '-i', CILIUM.host, ...comment('cilium: cluster->any on cilium_host forward accept (nodeport)'), '-j', 'ACCEPT'],
    ['-A', 'CILIUM_FORWARD', '-i', 'lxc+', ...comment('cilium: cluster->any on lxc+ forward accept'), '-j', 'ACCEPT'],
    ['-A', 'CILIUM_FORWARD', '-i', CILIUM.net, ...comment('cilium: cluster->any on cilium_net forward accept (nodeport)'), '-j', 'ACCEPT'],
    ['-A', 'CILIUM_INPUT', '-m', 'mark', '--mark', '0x200/0xf00', ...comment('cilium: ACCEPT for proxy traffic'), '-j', 'ACCEPT'],
    ['-A', 'CILIUM_OUTPUT', '-m', 'mark', '--mark', '0xa00/0xe00', ...comment('cilium: ACCEPT for proxy traffic'), '-j', 'ACCEPT'],
    ['-A', 'CILIUM_OUTPUT', '-m', 'mark', '--mark', '0x800/0xe00', ...comment('cilium: ACCEPT for l7 proxy upstream traffic'), '-j', 'ACCEPT'],
    ['-A', 'CILIUM_OUTPUT', ...notProxy, ...comment('cilium: host->any mark as from host'), '-j', 'MARK', '--set-xmark', '0xc00/0xf00'],
    ...feeders('nat'),
    ['-t', 'nat', '-A', 'CILIUM_POST_nat', '-s', range, '!', '-d', range, '!', '-o', 'cilium_+', ...comment('cilium masquerade non-cluster'), '-j', 'MASQUERADE'],
    ['-t', 'nat', '-A', 'CILIUM_POST_nat', '-m', 'mark', '--mark', '0xa00/0xe00', ...comment('exclude proxy return traffic from masquerade'), '-j', 'ACCEPT'],
    ...(router
      ? [
          ['-t', 'nat', '-A', 'CILIUM_POST_nat', '!', '-s', range, '!', '-d', range, '-o', CILIUM.host, ...comment('cilium host->cluster masquerade'), '-j', 'SNAT', '--to-source', router],
          ['-t', 'nat', '-A', 'CILIUM_POST_nat', '-s', '127.0.0.1/32', '-o', CILIUM.host, ...comment('cilium host->cluster from 127.0.0.1 masquerade'), '-j', 'SNAT', '--to-source', router],
          ['-t', 'nat', '-A', 'CILIUM_POST_nat', '-o', CILIUM.host, '-m', 'mark', '--mark', '0xf00/0xf00', '-m', 'conntrack', '--ctstate', 'DNAT', ...comment('hairpin traffic that originated from a local pod'), '-j', 'SNAT', '--to-source', router],
        ]
      : []),
  ];
}

/** cilium-agent owns every CILIUM_* chain: on a resync it drops them and the feeders, then writes them again. */
function removeCiliumChains(netfilter: Netfilter): void {
  const cilium = (name: string) => name.startsWith('CILIUM_');
  for (const table of ['filter', 'nat'] as const) {
    for (const chain of netfilter[table].chains.values()) chain.rules = chain.rules.filter((rule) => !(rule.target?.kind === 'jump' && cilium(rule.target.chain)));
    for (const name of [...netfilter[table].chains.keys()]) if (cilium(name)) netfilter[table].chains.delete(name);
  }
}

export function applyCiliumChains(netfilter: Netfilter, state: LabState, node: NodeState): void {
  removeCiliumChains(netfilter);
  for (const rule of ciliumRules(state, node)) {
    const result = runIptables(netfilter, rule);
    if (result.exitCode !== 0) throw new Error(`cilium rule iptables ${rule.join(' ')} failed: ${result.stderr}`);
  }
}

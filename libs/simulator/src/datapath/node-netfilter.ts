/**
 * The netfilter hooks of a node on a traced packet's way: nat PREROUTING/OUTPUT (kube-proxy's DNAT),
 * filter INPUT/FORWARD/OUTPUT (REJECT without endpoints, the user's DROP/REJECT rules) and nat
 * POSTROUTING (kube-proxy's masquerade of marked packets), evaluated on the node's tables at the
 * trace's time. Every rule a packet matched is collected for `iptables -vnL` (TraceResult.traversed),
 * and a decision the user's own iptables command caused names that event.
 */
import type { LabState, NodeState } from '../cluster/types';
import { parseIptablesArgs, saveRuleSpec, type ConntrackState, type Rule, type TableName } from '../iptables';
import { formatIp, parseCidr, parseIp } from '../net/ipv4';
import { flowDraws, runChain, type ChainResult, type ChainSource, type FilterPacket, type MatchedRule } from './netfilter-eval';
import { servicePortName } from '../kube-proxy/chain-names';
import { clusterServices } from '../node-iptables/kube-proxy-input';
import { nodeChainSource, servicesOnClusterIP, tablesTouched } from './node-filters';
import { weaveSetMembership } from '../cni/weave-npc';
import type { TracedRule, TraceProtocol } from './types';

export interface NetfilterPacket {
  src: string;
  dst: string;
  protocol: TraceProtocol;
  srcPort?: number;
  dstPort?: number;
  length: number;
}

/** A user's iptables command (an IptablesChanged event) on a node. */
export interface NodeMutation {
  seq: number;
  time: number;
  args: string[];
}

/** The node's own addresses: eth0's, the bridge's (the pods' gateway), flannel.1's and the routed plugins' devices'. */
export function nodeOwnAddresses(node: NodeState): string[] {
  const addresses = [node.ip];
  const range = parseCidr(node.podCIDR)!;
  if (node.bridge) addresses.push(formatIp(range.network + 1));
  if (node.vtepMac) addresses.push(formatIp(range.network));
  // calico's tunnel address, weave's bridge, cilium_host's router IP.
  for (const device of node.pluginNet?.devices ?? []) if (device.address) addresses.push(device.address.slice(0, device.address.indexOf('/')));
  return addresses;
}

/** Whether `ip` is loopback or one of nodeOwnAddresses(node) (addrtype LOCAL), without listing them. */
export function isNodeLocal(node: NodeState, ip: number): boolean {
  if (ip >>> 24 === 127 || ip === parseIp(node.ip)) return true;
  if (node.bridge || node.vtepMac) {
    const range = parseCidr(node.podCIDR)!;
    if ((node.bridge && ip === range.network + 1) || (node.vtepMac && ip === range.network)) return true;
  }
  for (const device of node.pluginNet?.devices ?? []) if (device.address && ip === parseIp(device.address.slice(0, device.address.indexOf('/')))) return true;
  return false;
}

const FILTER_PROTOCOLS: Record<TraceProtocol, FilterPacket['protocol']> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp', ICMP: 'icmp' };
const NEW: readonly ConntrackState[] = ['NEW'];
const NEW_DNAT: readonly ConntrackState[] = ['NEW', 'DNAT'];
const tracedSpecs = new WeakMap<Rule, string>();

/** A rule as TracedRule.rule holds it (`iptables -S` after the chain name), once per rule object. */
function tracedSpec(rule: Rule): string {
  let spec = tracedSpecs.get(rule);
  if (spec === undefined) tracedSpecs.set(rule, (spec = saveRuleSpec(rule).trim()));
  return spec;
}

export class NodeNetfilter {
  readonly traversed: TracedRule[] = [];
  constructor(
    private readonly state: LabState,
    readonly time: number,
  ) {}

  private run(
    node: NodeState,
    table: TableName,
    chain: string,
    packet: NetfilterPacket,
    hook: { inDev?: string; outDev?: string; physIn?: string; physOut?: string; mark?: number; ctstates?: readonly ConntrackState[]; seed: number },
  ): ChainResult & { source: ChainSource } {
    const isLocal = (ip: number) => isNodeLocal(node, ip);
    const dst = parseIp(packet.dst)!;
    const source = nodeChainSource(this.state, node, this.time, packet.dst, packet.dstPort, isLocal(dst) && !packet.dst.startsWith('127.'));
    const filterPacket: FilterPacket = {
      src: parseIp(packet.src)!,
      dst,
      protocol: FILTER_PROTOCOLS[packet.protocol],
      srcPort: packet.srcPort,
      dstPort: packet.dstPort,
      inInterface: hook.inDev,
      outInterface: hook.outDev,
      mark: hook.mark ?? 0,
      ctstates: hook.ctstates ?? NEW,
      isLocal,
      // A bridged frame's ports (br_netfilter) and weave-npc's ipsets, for the weave bridge's rules.
      physIn: hook.physIn,
      physOut: hook.physOut,
      // Built on the first set match only: an untouched node's view has no weave-npc chains.
      inSet: this.state.cluster.cni.plugin === 'weave' ? (name, ip) => weaveSetMembership(this.state)(name, ip) : undefined,
    };
    const result = runChain(source, table, chain, filterPacket, flowDraws(hook.seed)) as ChainResult & { source: ChainSource };
    for (const matched of result.matched) {
      this.traversed.push(matched.rule ? { node: node.name, table, chain: matched.chain, rule: tracedSpec(matched.rule), bytes: packet.length } : { node: node.name, table, chain: matched.chain, bytes: packet.length });
    }
    result.source = source;
    return result;
  }

  /** nat PREROUTING (a packet arriving on `inDev`) or OUTPUT (the node's own packet). */
  nat(node: NodeState, packet: NetfilterPacket, inDev: string | undefined, seed: number) {
    return this.run(node, 'nat', inDev === undefined ? 'OUTPUT' : 'PREROUTING', packet, { ...(inDev !== undefined ? { inDev } : {}), seed });
  }

  /** filter INPUT / FORWARD / OUTPUT for the first packet of a connection (ctstate NEW, plus DNAT when translated). */
  filter(node: NodeState, chain: 'INPUT' | 'FORWARD' | 'OUTPUT', packet: NetfilterPacket, devices: { inDev?: string; outDev?: string; physIn?: string; physOut?: string }, mark: number, translated: boolean, seed: number) {
    return this.run(node, 'filter', chain, packet, { ...devices, mark, ctstates: translated ? NEW_DNAT : NEW, seed });
  }

  /** nat POSTROUTING: kube-proxy masquerades what KUBE-MARK-MASQ marked. */
  postrouting(node: NodeState, packet: NetfilterPacket, outDev: string, mark: number, seed: number) {
    return this.run(node, 'nat', 'POSTROUTING', packet, { outDev, mark, seed });
  }

  /** Whether the node's tables are its simulated ones with the user's changes. */
  touched(node: NodeState): boolean {
    return tablesTouched(this.state, node, this.time);
  }

  private mutations(node: NodeState): NodeMutation[] {
    return (this.state.proxy.nodes.get(node.name)?.mutations ?? []).filter((mutation) => mutation.time <= this.time);
  }

  /** The user's command that put `decided` into the tables (the latest insert/append/replace with its spec). */
  causeOf(node: NodeState, decided: MatchedRule | undefined): NodeMutation | undefined {
    if (!decided?.rule) return undefined;
    const spec = saveRuleSpec(decided.rule).trim();
    return this.mutations(node)
      .reverse()
      .find((mutation) => {
        try {
          const command = parseIptablesArgs(mutation.args);
          return 'rule' in command && command.rule !== undefined && command.op !== 'delete' && command.table === decided.table && saveRuleSpec(command.rule).trim() === spec;
        } catch {
          return false;
        }
      });
  }

  /** The user's latest command on a table that removes rules (flush, delete, delete-chain): why a kube-proxy rule is missing. */
  removalOf(node: NodeState, table: TableName): NodeMutation | undefined {
    return this.mutations(node)
      .reverse()
      .find((mutation) => {
        try {
          const command = parseIptablesArgs(mutation.args);
          return command.table === table && ['flush', 'delete', 'delete-chain'].includes(command.op);
        } catch {
          return false;
        }
      });
  }

  /** The Service ("ns/name") whose ClusterIP and port the packet targets, and whether kube-proxy has endpoints to DNAT it to. */
  expectedService(packet: NetfilterPacket): { name: string; hasEndpoints: boolean } | undefined {
    if (packet.dstPort === undefined) return undefined;
    for (const service of servicesOnClusterIP(this.state, packet.dst)) {
      const port = service.ports.find((candidate) => candidate.port === packet.dstPort && candidate.protocol === packet.protocol);
      if (!port) continue;
      const endpoints = clusterServices(this.state).endpoints.get(servicePortName(service.namespace, service.name, port.name)) ?? [];
      return { name: `${service.namespace}/${service.name}`, hasEndpoints: endpoints.length > 0 };
    }
    return undefined;
  }
}

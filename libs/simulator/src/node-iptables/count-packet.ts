import { saveRuleSpec, type Netfilter, type TableName } from '../iptables';

/**
 * Counts one traced packet of `bytes` through rule `ruleIndex` (0-based) of a chain, as the kernel
 * does for every rule a packet matches. Rule objects are shared between syncs and nodes, so the rule
 * is replaced by a copy with the new counters in this table only. nodeTables() hands out cached
 * tables: count on a cloneNetfilter() copy unless the counts should stay with that cache entry.
 */
export function countPacket(netfilter: Netfilter, table: TableName, chainName: string, ruleIndex: number, bytes: number, packets = 1): void {
  const chain = netfilter[table].chains.get(chainName);
  const rule = chain?.rules[ruleIndex];
  if (!chain || !rule) throw new RangeError(`no rule ${ruleIndex + 1} in chain ${chainName} of table ${table}`);
  chain.rules[ruleIndex] = { ...rule, counters: { packets: rule.counters.packets + packets, bytes: rule.counters.bytes + bytes } };
}

/** Counts a packet that reached the end of a built-in chain and took its policy. */
export function countPolicy(netfilter: Netfilter, table: TableName, chainName: string, bytes: number, packets = 1): void {
  const chain = netfilter[table].chains.get(chainName);
  if (!chain || chain.policy === undefined) throw new RangeError(`no built-in chain ${chainName} in table ${table}`);
  chain.policyCounters = { packets: chain.policyCounters.packets + packets, bytes: chain.policyCounters.bytes + bytes };
}

/** A packet a trace sent through one rule (by its `iptables -S` spec, trimmed) or, without `rule`, a built-in chain's policy. */
export interface CountedPacket {
  node: string;
  table: TableName;
  chain: string;
  rule?: string;
  /** Bytes of all the packets counted (one packet when `packets` is absent). */
  bytes: number;
  packets?: number;
}

/**
 * Adds traced packets of `node` to a cloneNetfilter() copy of its tables: each to the first rule of
 * its chain with the same spec. A packet whose rule is gone (flushed, rewritten differently) counts
 * nowhere, as the kernel's counters went with the rule.
 */
export function countTracedPackets(netfilter: Netfilter, node: string, packets: readonly CountedPacket[]): void {
  for (const packet of packets) {
    if (packet.node !== node) continue;
    const chain = netfilter[packet.table].chains.get(packet.chain);
    if (!chain) continue;
    if (packet.rule === undefined) {
      if (chain.policy !== undefined) countPolicy(netfilter, packet.table, packet.chain, packet.bytes, packet.packets);
      continue;
    }
    const index = chain.rules.findIndex((rule) => saveRuleSpec(rule).trim() === packet.rule);
    if (index >= 0) countPacket(netfilter, packet.table, packet.chain, index, packet.bytes, packet.packets);
  }
}

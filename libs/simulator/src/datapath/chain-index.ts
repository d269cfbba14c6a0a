/**
 * Long chains of a node's simulated tables (KUBE-SERVICES holds a rule per Service port: 10,000 and
 * more at the Kubernetes limits) seen by one packet: the rules whose destination can match it. A
 * rule with a plain `-d a.b.c.d/32` only matches a packet to that address, so the chain is indexed
 * by those addresses; the other rules stay in for every packet, in order. Evaluating the view gives
 * the same verdict, the same matched rules and the same counters as the whole chain.
 */
import type { Chain, Rule } from '../iptables';

/** Below this many rules a scan is as cheap as the index. */
const INDEXED_FROM = 64;
/** Views kept per chain: one per destination a trace asked for. */
const VIEWS_PER_CHAIN = 1_024;

interface ChainIndex {
  /** What the index was built from: the tables are replaced, or their rules grow, when they change. */
  rules: readonly Rule[];
  length: number;
  generation: string;
  /** Positions of the rules with a single-address destination, per address. */
  byDestination: Map<number, number[]>;
  /** Positions of every other rule. */
  others: number[];
  views: Map<number, Chain>;
}

const indexes = new WeakMap<Chain, ChainIndex>();

function indexOf(chain: Chain, generation: string): ChainIndex {
  const cached = indexes.get(chain);
  if (cached && cached.rules === chain.rules && cached.length === chain.rules.length && cached.generation === generation) return cached;
  const byDestination = new Map<number, number[]>();
  const others: number[] = [];
  chain.rules.forEach((rule, position) => {
    const destination = rule.destination;
    if (!destination || destination.invert || destination.prefix !== 32) return others.push(position);
    const list = byDestination.get(destination.address);
    if (list) list.push(position);
    else byDestination.set(destination.address, [position]);
  });
  const index = { rules: chain.rules, length: chain.rules.length, generation, byDestination, others, views: new Map<number, Chain>() };
  indexes.set(chain, index);
  return index;
}

/** Two ascending lists of positions merged into the rules at them, in chain order. */
function merged(rules: readonly Rule[], a: readonly number[], b: readonly number[]): Rule[] {
  const out: Rule[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(rules[j >= b.length || (i < a.length && a[i] < b[j]) ? a[i++] : b[j++]]);
  return out;
}

/**
 * The rules of `chain` a packet to `dst` can meet, as a chain of its own (the same name and policy).
 * `generation` names the tables' state (the lab version and time they were read at): an index is
 * reused only within it.
 */
export function chainForDestination(chain: Chain, dst: number, generation: string): Chain {
  if (chain.rules.length < INDEXED_FROM) return chain;
  const index = indexOf(chain, generation);
  let view = index.views.get(dst);
  if (!view) {
    if (index.views.size >= VIEWS_PER_CHAIN) index.views.clear();
    view = { ...chain, rules: merged(chain.rules, index.byDestination.get(dst) ?? [], index.others) };
    index.views.set(dst, view);
  }
  return view;
}

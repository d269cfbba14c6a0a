import { endpointString } from './chain-names';
import { probability } from './probability';
import type { Match, Rule } from '../iptables';
import { comment, dnat, jump, MARK_MASQ, protocolRule, recentCheck, recentSet, sourceRule, statistic, statisticOnly, targetRule } from './rule-objects';
import type { ChainRules } from './service-rules';
import type { EndpointInput } from './types';

/**
 * A service port's SVC/SVL and SEP chains hold three rules per endpoint: 300,000 rule objects (and
 * their targets, lists and addresses) in a 100,000-endpoint build, most of which no one ever reads.
 * These chains keep what their rules are made of and make them when first read (a restore's checks,
 * iptables-save or -L, the tracer's walk), once: every reader, on every node, gets the same objects
 * an eager build would have made. Every jump of their rules reaches a chain written in the same
 * restore (the port's SEP chains) or KUBE-MARK-MASQ, so a restore never needs to check them.
 */
export abstract class LazyChain implements ChainRules {
  private made?: Rule[];

  constructor(readonly name: string) {}

  get unchecked(): 'always' {
    return 'always';
  }

  /** How many rules the chain has, without making them. */
  abstract get ruleCount(): number;

  protected abstract make(): Rule[];

  get rules(): Rule[] {
    return (this.made ??= this.make());
  }
}

/** A chain's number of rules, without making a lazy chain's. */
export const ruleCount = (chain: ChainRules): number => (chain instanceof LazyChain ? chain.ruleCount : chain.rules.length);

/** What the SVC/SVL and SEP chains of one service port share. */
export interface PortChainShape {
  spn: string;
  /** Lower case. */
  protocol: string;
  /** Without comments in large-cluster mode (more than 1000 endpoints in all). */
  comments: boolean;
  /** ClientIP affinity's timeout; undefined without affinity. */
  affinitySeconds?: number;
  /** `-m comment --comment spn` (or nothing), shared by the port's SEP rules. */
  sepComment: Match[];
  /** `-m <protocol>` of the DNAT rule. */
  dnatMatch: Match;
  /** sepComment then dnatMatch. */
  dnatMatches: Match[];
}

/** KUBE-SEP-*: masquerade the endpoint's own hairpin traffic, then DNAT to it. */
export class EndpointChain extends LazyChain {
  constructor(name: string, readonly endpoint: EndpointInput, private readonly shape: PortChainShape) {
    super(name);
  }

  get ruleCount(): number {
    return 2;
  }

  /** "ip:port". */
  get destination(): string {
    return endpointString(this.endpoint.ip, this.endpoint.port);
  }

  protected make(): Rule[] {
    const { shape } = this;
    const dnatMatches = shape.affinitySeconds === undefined ? shape.dnatMatches : [...shape.sepComment, recentSet(this.name), shape.dnatMatch];
    return [sourceRule(this.endpoint.ip, shape.sepComment, MARK_MASQ), protocolRule(shape.protocol, dnatMatches, dnat(this.destination))];
  }
}

/**
 * KUBE-SVC-* or KUBE-SVL-*: `first` (the ClusterIP masquerade rule of the internal chain), with
 * affinity one recent-check jump per endpoint, then one jump per endpoint with the probability
 * that spreads the traffic evenly (the last one without).
 */
export class ServiceChain extends LazyChain {
  constructor(
    name: string,
    private readonly endpoints: readonly EndpointChain[],
    private readonly shape: PortChainShape,
    private readonly first?: Rule,
  ) {
    super(name);
  }

  get ruleCount(): number {
    return (this.first ? 1 : 0) + this.endpoints.length * (this.shape.affinitySeconds === undefined ? 1 : 2);
  }

  protected make(): Rule[] {
    const { endpoints, shape } = this;
    const rules: Rule[] = this.first ? [this.first] : [];
    const comments = (sep: EndpointChain) => (shape.comments ? [comment(`${shape.spn} -> ${sep.destination}`)] : []);
    if (shape.affinitySeconds !== undefined) {
      for (const sep of endpoints) rules.push(targetRule([...comments(sep), recentCheck(sep.name, shape.affinitySeconds)], jump(sep.name)));
    }
    const n = endpoints.length;
    endpoints.forEach((sep, i) => {
      // Without comments (large clusters) the match list is only the probability: one shared list per value.
      if (!shape.comments) {
        rules.push(targetRule(i < n - 1 ? statisticOnly(probability(n - i)) : undefined, jump(sep.name)));
        return;
      }
      const matches = comments(sep);
      if (i < n - 1) matches.push(statistic(probability(n - i)));
      rules.push(targetRule(matches, jump(sep.name)));
    });
    return rules;
  }
}

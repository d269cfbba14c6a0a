import { ruleCount } from './endpoint-chains';
import { ServiceSet } from './service-set';
import type { ServiceChange } from './service-set';
import type { ChainRules, RuleContext } from './service-rules';
import type { KubeProxyInput } from './types';

type Services = Pick<KubeProxyInput, 'services' | 'endpoints'>;

/**
 * What every node's full sync writes the same way, built once per lab: each Service's chain names,
 * endpoint chains and rules, the KUBE-SERVICES order and top-level chains, the list of every
 * service chain. Kept up to date one Service change at a time; a node's full sync then only copies
 * these lists (KubeProxyRuleBuilder.fullSync). Rules of a Local traffic policy depend on the node:
 * while such a Service exists, nodes build their full syncs themselves (reusing the other Services'
 * rules through the per-Service memo).
 */
export class SharedServiceRules {
  private readonly set: ServiceSet;
  /** Every service chain in KUBE-SERVICES order and their rule count, made on the first full sync after a change. */
  private chains?: { list: ChainRules[]; rules: number };

  constructor(readonly clusterCIDR: string) {
    this.set = new ServiceSet({ nodeName: '', clusterCIDR, largeClusterMode: false });
  }

  /** Every Service from scratch (unchanged Service objects with the same endpoint lists keep their rules). */
  build(input: Services): void {
    this.set.build(input);
    this.chains = undefined;
  }

  /**
   * The changed Services; `input` is every Service after them. Crossing the large-cluster threshold
   * changes every Service's rules (their comments): then everything is built again.
   */
  update(input: Services, changes: readonly ServiceChange[]): void {
    if (changes.length === 0) return;
    const mode = this.set.largeClusterMode;
    this.set.apply(changes);
    if (this.set.largeClusterMode !== mode) this.set.build(input);
    this.chains = undefined;
  }

  /** Whether a node of this context can take the shared rules as they are. */
  serves(context: RuleContext): boolean {
    return this.set.nodeDependent === 0 && context.clusterCIDR === this.clusterCIDR;
  }

  /** The services and top-level chains, as a node's own copy (see serves). */
  copyFor(context: RuleContext): ServiceSet {
    return this.set.copyFor(context);
  }

  /** Every service chain (SVC/SVL/EXT/FW/SEP) in KUBE-SERVICES order, and how many rules they hold. */
  serviceChains(): { list: ChainRules[]; rules: number } {
    if (!this.chains) {
      const list: ChainRules[] = [];
      let rules = 0;
      for (const key of this.set.order) {
        for (const port of this.set.entries.get(key)!.ports) {
          for (const chain of port.chains) {
            list.push(chain);
            rules += ruleCount(chain);
          }
        }
      }
      this.chains = { list, rules };
    }
    return this.chains;
  }
}

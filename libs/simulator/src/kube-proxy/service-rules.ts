import { endpointChainNamer, servicePortHash, servicePortName } from './chain-names';
import { categorizeEndpoints, sortEndpoints } from './endpoints';
import { probability } from './probability';
import type { Match, Rule } from '../iptables';
import { addrtype, comment, dnat, filterTarget, jump, portMatch, protocolRule, recentCheck, recentSet, rule, sourceRule, statistic, targetRule } from './rule-objects';
import type { EndpointInput, ServiceInput, ServicePortInput } from './types';

/** fmt.Sprintf("%#08x", 1<<14): what kube-proxy sends; the kernel keeps 0x4000. */
export const MASQUERADE_MARK = '0x00004000';
const DEFAULT_AFFINITY_SECONDS = 10800;
const statisticLists = new Map<string, Match[]>();
/** `[-m statistic --probability p]` as a rule's whole match list, shared by every rule with that p. */
function statisticOnly(probabilityText: string): Match[] {
  let list = statisticLists.get(probabilityText);
  if (!list) statisticLists.set(probabilityText, (list = [statistic(probabilityText)]));
  return list;
}

/** Shared by every masquerade jump (rules and their parts are never changed in place). */
const MARK_MASQ = jump('KUBE-MARK-MASQ');

export interface RuleContext {
  nodeName: string;
  clusterCIDR: string;
  /** More than 1000 endpoints in all: SEP and SVC→SEP rules lose their comments. */
  largeClusterMode: boolean;
}

/** One user chain kube-proxy declares (flushing it) and fills. */
export interface ChainRules {
  name: string;
  rules: Rule[];
  /**
   * When the restore may skip checking each rule's jump target: 'always' when every target is a
   * chain declared in the same restore; 'trusted' when the others are chains this builder's earlier
   * syncs wrote and nobody else changed since (see applyWrites). Absent: every rule is checked.
   */
  unchecked?: 'always' | 'trusted';
}

/**
 * Everything one service port contributes to a sync, as rules. The top-level rules are written on
 * every sync; `chains` (SVC/SVL/EXT/SEP) only on a full sync or when the service changed.
 */
export interface ServicePortRules {
  serviceKey: string;
  natServices: Rule[];
  natNodePorts: Rule[];
  filterServices: Rule[];
  filterExternalServices: Rule[];
  chains: ChainRules[];
}

export function usesNodePort(service: ServiceInput, port: ServicePortInput): boolean {
  return service.type !== 'ClusterIP' && port.nodePort !== undefined && port.nodePort !== 0;
}

export function buildServicePortRules(
  service: ServiceInput,
  port: ServicePortInput,
  endpoints: readonly EndpointInput[],
  context: RuleContext,
): ServicePortRules {
  const spn = servicePortName(service.namespace, service.name, port.name);
  const protocol = port.protocol.toLowerCase();
  const hash = servicePortHash(spn, protocol);
  const svcChain = `KUBE-SVC-${hash}`;
  const svlChain = `KUBE-SVL-${hash}`;
  const extChain = `KUBE-EXT-${hash}`;
  const lbIPs = service.type === 'LoadBalancer' ? (service.loadBalancerIPs ?? []) : [];
  const nodePort = usesNodePort(service, port);
  const externallyAccessible = nodePort || lbIPs.length > 0;
  const internalLocal = service.internalTrafficPolicy === 'Local';
  const externalLocal = externallyAccessible && service.externalTrafficPolicy === 'Local';

  const textOf = new Map<EndpointInput, string>();
  const sorted = sortEndpoints(endpoints, textOf);
  const { clusterEndpoints, localEndpoints, reachableEndpoints, hasEndpoints } = categorizeEndpoints(sorted, {
    nodeName: context.nodeName,
    usesCluster: !internalLocal || (externallyAccessible && !externalLocal),
    usesLocal: internalLocal || externalLocal,
  });

  const usesClusterChain = clusterEndpoints.length > 0 && (!internalLocal || (externallyAccessible && !externalLocal));
  const usesLocalChain = localEndpoints.length > 0 && (internalLocal || externalLocal);
  const internalChain = internalLocal ? svlChain : svcChain;
  const hasInternalEndpoints = hasEndpoints && (!internalLocal || localEndpoints.length > 0);
  const externalPolicyChain = externalLocal ? svlChain : svcChain;
  const hasExternalEndpoints = hasEndpoints && (!externalLocal || localEndpoints.length > 0);
  const usesExtChain = hasEndpoints && externallyAccessible;

  let internalFilter: { target: 'REJECT' | 'DROP'; comment: string } | undefined;
  let externalFilter: { target: 'REJECT' | 'DROP'; comment: string } | undefined;
  if (!hasEndpoints) {
    internalFilter = externalFilter = { target: 'REJECT', comment: `${spn} has no endpoints` };
  } else {
    if (!hasInternalEndpoints) internalFilter = { target: 'DROP', comment: `${spn} has no local endpoints` };
    if (!hasExternalEndpoints) externalFilter = { target: 'DROP', comment: `${spn} has no local endpoints` };
  }

  const rules: ServicePortRules = {
    serviceKey: `${service.namespace}/${service.name}`,
    natServices: [],
    natNodePorts: [],
    filterServices: [],
    filterExternalServices: [],
    chains: [],
  };
  const dport = portMatch(protocol, port.port);
  const clusterIP = (text: string, target: ReturnType<typeof jump>) =>
    rule({ destination: service.clusterIP, protocol, matches: [comment(text), dport], target });

  if (hasInternalEndpoints) rules.natServices.push(clusterIP(`${spn} cluster IP`, jump(internalChain)));
  else rules.filterServices.push(clusterIP(internalFilter!.comment, filterTarget(internalFilter!.target)));
  for (const lbIP of lbIPs) {
    if (hasEndpoints) rules.natServices.push(rule({ destination: lbIP, protocol, matches: [comment(`${spn} loadbalancer IP`), dport], target: jump(extChain) }));
  }
  if (!hasExternalEndpoints) {
    for (const lbIP of lbIPs) {
      rules.filterExternalServices.push(rule({ destination: lbIP, protocol, matches: [comment(externalFilter!.comment), dport], target: filterTarget(externalFilter!.target) }));
    }
  }
  if (nodePort) {
    const nodePortMatch = portMatch(protocol, port.nodePort);
    if (hasEndpoints) rules.natNodePorts.push(rule({ protocol, matches: [comment(spn), nodePortMatch], target: jump(extChain) }));
    if (!hasExternalEndpoints) {
      rules.filterExternalServices.push(
        rule({ protocol, matches: [comment(externalFilter!.comment), addrtype('dst', 'LOCAL'), nodePortMatch], target: filterTarget(externalFilter!.target) }),
      );
    }
  }

  let internal: ChainRules | undefined;
  if (hasInternalEndpoints) {
    internal = { name: internalChain, rules: [] };
    internal.rules.push(rule({ source: context.clusterCIDR, sourceInvert: true, destination: service.clusterIP, protocol, matches: [comment(`${spn} cluster IP`), dport], target: MARK_MASQ }));
  }
  if (usesExtChain) {
    const ext: ChainRules = { name: extChain, rules: [] };
    rules.chains.push(ext);
    if (!externalLocal) {
      ext.rules.push(rule({ matches: [comment(`masquerade traffic for ${spn} external destinations`)], target: MARK_MASQ }));
    } else {
      ext.rules.push(rule({ source: context.clusterCIDR, matches: [comment(`pod traffic for ${spn} external destinations`)], target: jump(svcChain) }));
      ext.rules.push(rule({ matches: [comment(`masquerade LOCAL traffic for ${spn} external destinations`), addrtype('src', 'LOCAL')], target: MARK_MASQ }));
      ext.rules.push(rule({ matches: [comment(`route LOCAL traffic for ${spn} external destinations`), addrtype('src', 'LOCAL')], target: jump(svcChain) }));
    }
    if (hasExternalEndpoints) ext.rules.push(rule({ target: jump(externalPolicyChain) }));
  }

  const chainName = endpointChainNamer(spn, protocol);
  // Each endpoint's "ip:port" (from the sort) and SEP name, made once though the SVC and SEP rules both use them.
  const seps = new Map<EndpointInput, string>();
  const endpointText = (endpoint: EndpointInput) => textOf.get(endpoint)!;
  const sepName = (endpoint: EndpointInput) => {
    let sep = seps.get(endpoint);
    if (sep === undefined) seps.set(endpoint, (sep = chainName(endpointText(endpoint))));
    return sep;
  };
  const comments = (text: string) => (context.largeClusterMode ? [] : [comment(text)]);
  const affinity = service.sessionAffinity === 'ClientIP';
  const writeServiceToEndpoints = (name: string, chainEndpoints: EndpointInput[]) => {
    const chain = name === internal?.name ? internal : { name, rules: [] };
    rules.chains.push(chain);
    if (affinity) {
      const seconds = service.sessionAffinityTimeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
      for (const endpoint of chainEndpoints) {
        const sep = sepName(endpoint);
        chain.rules.push(rule({ matches: [...comments(`${spn} -> ${endpointText(endpoint)}`), recentCheck(sep, seconds)], target: jump(sep) }));
      }
    }
    const n = chainEndpoints.length;
    chainEndpoints.forEach((endpoint, i) => {
      const sep = sepName(endpoint);
      // Without comments (large clusters) the match list is only the probability: one shared list per value.
      if (context.largeClusterMode) {
        chain.rules.push(targetRule(i < n - 1 ? statisticOnly(probability(n - i)) : undefined, jump(sep)));
        return;
      }
      const matches = comments(`${spn} -> ${endpointText(endpoint)}`);
      if (i < n - 1) matches.push(statistic(probability(n - i)));
      chain.rules.push(targetRule(matches, jump(sep)));
    });
  };
  if (usesClusterChain) writeServiceToEndpoints(svcChain, clusterEndpoints);
  if (usesLocalChain) writeServiceToEndpoints(svlChain, localEndpoints);
  if (internal && !rules.chains.includes(internal)) rules.chains.push(internal);

  // The SEP rules' match lists are the same for every endpoint of the port (but for affinity's named list).
  const sepComment = comments(spn);
  const dnatMatch = portMatch(protocol);
  const dnatMatches = [...sepComment, dnatMatch];
  for (const endpoint of reachableEndpoints) {
    const sep = sepName(endpoint);
    const destination = endpointText(endpoint);
    rules.chains.push({
      name: sep,
      rules: [
        sourceRule(endpoint.ip, sepComment, MARK_MASQ),
        protocolRule(protocol, affinity ? [...sepComment, recentSet(sep), dnatMatch] : dnatMatches, dnat(destination)),
      ],
    });
  }
  return rules;
}

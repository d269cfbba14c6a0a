import { endpointChainNameOf, endpointString, servicePortHash, servicePortName } from './chain-names';
import { EndpointChain, LazyChain, ServiceChain, type PortChainShape } from './endpoint-chains';
import { categorizeEndpoints, sortEndpointsWithTexts } from './endpoints';
import type { Match, Rule, Target } from '../iptables';
import { address, addrtype, clusterCIDRAddress, comment, destinationRule, filterTarget, jump, MARK_MASQ, masqueradeRule, portMatch, rule } from './rule-objects';
import type { EndpointInput, ServiceInput, ServicePortInput } from './types';

/** fmt.Sprintf("%#08x", 1<<14): what kube-proxy sends; the kernel keeps 0x4000. */
export const MASQUERADE_MARK = '0x00004000';
const DEFAULT_AFFINITY_SECONDS = 10800;

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
 * every sync; `chains` (SVC/SVL/EXT/SEP) only on a full sync or when the service changed. Lists
 * may be shared (never change them).
 */
export interface ServicePortRules {
  natServices: readonly Rule[];
  natNodePorts: readonly Rule[];
  filterServices: readonly Rule[];
  filterExternalServices: readonly Rule[];
  chains: ChainRules[];
  /** Every jump of its rules reaches one of its own chains or KUBE-MARK-MASQ (its chains are then marked unchecked 'always'). */
  selfContained: boolean;
}

export function usesNodePort(service: ServiceInput, port: ServicePortInput): boolean {
  return service.type !== 'ClusterIP' && port.nodePort !== undefined && port.nodePort !== 0;
}

const NO_RULES: readonly Rule[] = Object.freeze([]);
const NO_MATCHES: Match[] = [];
/** `-m <protocol>` alone, and after the comment-less SEP comment: one list per protocol. */
const dnatMatchLists = new Map<string, Match[]>();
function dnatMatchList(protocol: string): Match[] {
  let list = dnatMatchLists.get(protocol);
  if (!list) dnatMatchLists.set(protocol, (list = [portMatch(protocol)]));
  return list;
}

function selfContained(rules: ServicePortRules): boolean {
  const own = (chain: string) => chain === 'KUBE-MARK-MASQ' || rules.chains.some((c) => c.name === chain);
  const reaches = (r: Rule) => r.target?.kind !== 'jump' || own(r.target.chain);
  // Lazy chains jump only to the port's SEP chains and KUBE-MARK-MASQ by construction.
  const eager = rules.chains.filter((chain) => !(chain instanceof LazyChain));
  const contained =
    eager.every((chain) => chain.rules.every(reaches)) &&
    rules.natServices.every(reaches) && rules.natNodePorts.every(reaches) && rules.filterServices.every(reaches) && rules.filterExternalServices.every(reaches);
  if (contained) for (const chain of eager) chain.unchecked = 'always';
  return contained;
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
  // Most ports need neither: made when used.
  let svl: string | undefined;
  let ext: string | undefined;
  const svlChain = () => (svl ??= `KUBE-SVL-${hash}`);
  const extChain = () => (ext ??= `KUBE-EXT-${hash}`);
  const lbIPs = service.type === 'LoadBalancer' ? (service.loadBalancerIPs ?? []) : [];
  const nodePort = usesNodePort(service, port);
  const externallyAccessible = nodePort || lbIPs.length > 0;
  const internalLocal = service.internalTrafficPolicy === 'Local';
  const externalLocal = externallyAccessible && service.externalTrafficPolicy === 'Local';

  const { sorted, texts } = sortEndpointsWithTexts(endpoints);
  const { clusterEndpoints, localEndpoints, reachableEndpoints, hasEndpoints } = categorizeEndpoints(sorted, {
    nodeName: context.nodeName,
    usesCluster: !internalLocal || (externallyAccessible && !externalLocal),
    usesLocal: internalLocal || externalLocal,
  });

  const usesClusterChain = clusterEndpoints.length > 0 && (!internalLocal || (externallyAccessible && !externalLocal));
  const usesLocalChain = localEndpoints.length > 0 && (internalLocal || externalLocal);
  const internalChain = internalLocal ? svlChain() : svcChain;
  const hasInternalEndpoints = hasEndpoints && (!internalLocal || localEndpoints.length > 0);
  const externalPolicyChain = externalLocal ? svlChain() : svcChain;
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

  const natServices: Rule[] = [];
  const natNodePorts: Rule[] = [];
  const filterServices: Rule[] = [];
  const filterExternalServices: Rule[] = [];
  const chains: ChainRules[] = [];
  const dport = portMatch(protocol, port.port);
  const clusterIPAddress = address(service.clusterIP);
  // The ClusterIP jump and the internal chain's masquerade rule match the same (shared: never changed).
  const clusterIPMatches = hasInternalEndpoints ? [comment(`${spn} cluster IP`), dport] : NO_MATCHES;
  const clusterIP = (matches: Match[], target: Target) => rule({ destination: service.clusterIP, protocol, matches, target });

  if (hasInternalEndpoints) natServices.push(destinationRule(clusterIPAddress, protocol, clusterIPMatches, jump(internalChain)));
  else filterServices.push(clusterIP([comment(internalFilter!.comment), dport], filterTarget(internalFilter!.target)));
  for (const lbIP of lbIPs) {
    if (hasEndpoints) natServices.push(rule({ destination: lbIP, protocol, matches: [comment(`${spn} loadbalancer IP`), dport], target: jump(extChain()) }));
  }
  if (!hasExternalEndpoints) {
    for (const lbIP of lbIPs) {
      filterExternalServices.push(rule({ destination: lbIP, protocol, matches: [comment(externalFilter!.comment), dport], target: filterTarget(externalFilter!.target) }));
    }
  }
  if (nodePort) {
    const nodePortMatch = portMatch(protocol, port.nodePort);
    if (hasEndpoints) natNodePorts.push(rule({ protocol, matches: [comment(spn), nodePortMatch], target: jump(extChain()) }));
    if (!hasExternalEndpoints) {
      filterExternalServices.push(
        rule({ protocol, matches: [comment(externalFilter!.comment), addrtype('dst', 'LOCAL'), nodePortMatch], target: filterTarget(externalFilter!.target) }),
      );
    }
  }

  if (usesExtChain) {
    const extRules: Rule[] = [];
    chains.push({ name: extChain(), rules: extRules, unchecked: undefined });
    if (!externalLocal) {
      extRules.push(rule({ matches: [comment(`masquerade traffic for ${spn} external destinations`)], target: MARK_MASQ }));
    } else {
      extRules.push(rule({ source: context.clusterCIDR, matches: [comment(`pod traffic for ${spn} external destinations`)], target: jump(svcChain) }));
      extRules.push(rule({ matches: [comment(`masquerade LOCAL traffic for ${spn} external destinations`), addrtype('src', 'LOCAL')], target: MARK_MASQ }));
      extRules.push(rule({ matches: [comment(`route LOCAL traffic for ${spn} external destinations`), addrtype('src', 'LOCAL')], target: jump(svcChain) }));
    }
    if (hasExternalEndpoints) extRules.push(rule({ target: jump(externalPolicyChain) }));
  }

  // The SEP rules' match lists are the same for every endpoint of the port (but for affinity's named list).
  const sepComment = context.largeClusterMode ? NO_MATCHES : [comment(spn)];
  const dnatMatches = context.largeClusterMode ? dnatMatchList(protocol) : [...sepComment, portMatch(protocol)];
  const shape: PortChainShape = {
    spn,
    protocol,
    comments: !context.largeClusterMode,
    affinitySeconds: service.sessionAffinity === 'ClientIP' ? (service.sessionAffinityTimeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined,
    sepComment,
    dnatMatch: dnatMatches[dnatMatches.length - 1],
    dnatMatches,
  };
  const spnProtocol = spn + protocol;
  // The "ip:port" texts come from the sort when nothing was filtered out (the usual case).
  const seps = reachableEndpoints.map(
    (endpoint, i) => new EndpointChain(endpointChainNameOf(spnProtocol, reachableEndpoints === sorted ? texts[i] : endpointString(endpoint.ip, endpoint.port)), endpoint, shape),
  );
  let sepOf: Map<EndpointInput, EndpointChain> | undefined;
  const sepsOf = (list: EndpointInput[]) => {
    if (list === reachableEndpoints) return seps;
    sepOf ??= new Map(seps.map((sep) => [sep.endpoint, sep]));
    return list.map((endpoint) => sepOf!.get(endpoint)!);
  };
  const internalMasquerade = hasInternalEndpoints ? masqueradeRule(clusterCIDRAddress(context.clusterCIDR), clusterIPAddress, protocol, clusterIPMatches) : undefined;
  let internalWritten = false;
  const writeServiceToEndpoints = (name: string, chainEndpoints: EndpointInput[]) => {
    const first = name === internalChain ? internalMasquerade : undefined;
    internalWritten ||= first !== undefined;
    chains.push(new ServiceChain(name, sepsOf(chainEndpoints), shape, first));
  };
  if (usesClusterChain) writeServiceToEndpoints(svcChain, clusterEndpoints);
  if (usesLocalChain) writeServiceToEndpoints(svlChain(), localEndpoints);
  if (internalMasquerade && !internalWritten) chains.push(new ServiceChain(internalChain, [], shape, internalMasquerade));
  const allChains = chains.length === 1 ? [chains[0], ...seps] : [...chains, ...seps];

  // Kept lists sized to their rules (a list grown by push keeps room for 16 more).
  const kept = (list: Rule[]) => (list.length > 0 ? list.slice() : NO_RULES);
  const rules: ServicePortRules = {
    natServices: kept(natServices),
    natNodePorts: kept(natNodePorts),
    filterServices: kept(filterServices),
    filterExternalServices: kept(filterExternalServices),
    chains: allChains,
    selfContained: false,
  };
  rules.selfContained = selfContained(rules);
  return rules;
}

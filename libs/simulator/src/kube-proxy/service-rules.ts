import { endpointChainName, endpointString, servicePortHash, servicePortName } from './chain-names';
import { categorizeEndpoints, sortEndpoints } from './endpoints';
import { probability } from './probability';
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

/**
 * Everything one service port contributes to a sync, as kube-proxy's iptables-restore lines.
 * The top-level rules are written on every sync; `chains`/`chainRules` (SVC/SVL/EXT/SEP) only on a
 * full sync or when the service changed.
 */
export interface ServicePortRules {
  serviceKey: string;
  natServices: string[];
  natNodePorts: string[];
  filterServices: string[];
  filterExternalServices: string[];
  chains: string[];
  chainRules: string[];
}

const quote = (text: string) => `"${text}"`;

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

  const sorted = sortEndpoints(endpoints);
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

  let internalFilter: { target: string; comment: string } | undefined;
  let externalFilter: { target: string; comment: string } | undefined;
  if (!hasEndpoints) {
    internalFilter = externalFilter = { target: 'REJECT', comment: quote(`${spn} has no endpoints`) };
  } else {
    if (!hasInternalEndpoints) internalFilter = { target: 'DROP', comment: quote(`${spn} has no local endpoints`) };
    if (!hasExternalEndpoints) externalFilter = { target: 'DROP', comment: quote(`${spn} has no local endpoints`) };
  }

  const rules: ServicePortRules = {
    serviceKey: `${service.namespace}/${service.name}`,
    natServices: [],
    natNodePorts: [],
    filterServices: [],
    filterExternalServices: [],
    chains: [],
    chainRules: [],
  };
  const match = `-m ${protocol} -p ${protocol}`;
  const clusterIPMatch = `${match} -d ${service.clusterIP} --dport ${port.port}`;

  if (hasInternalEndpoints) {
    rules.natServices.push(`-A KUBE-SERVICES -m comment --comment ${quote(`${spn} cluster IP`)} ${clusterIPMatch} -j ${internalChain}`);
  } else {
    rules.filterServices.push(`-A KUBE-SERVICES -m comment --comment ${internalFilter!.comment} ${clusterIPMatch} -j ${internalFilter!.target}`);
  }
  for (const lbIP of lbIPs) {
    if (hasEndpoints) {
      rules.natServices.push(`-A KUBE-SERVICES -m comment --comment ${quote(`${spn} loadbalancer IP`)} ${match} -d ${lbIP} --dport ${port.port} -j ${extChain}`);
    }
  }
  if (!hasExternalEndpoints) {
    for (const lbIP of lbIPs) {
      rules.filterExternalServices.push(`-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilter!.comment} ${match} -d ${lbIP} --dport ${port.port} -j ${externalFilter!.target}`);
    }
  }
  if (nodePort) {
    if (hasEndpoints) rules.natNodePorts.push(`-A KUBE-NODEPORTS -m comment --comment ${spn} ${match} --dport ${port.nodePort} -j ${extChain}`);
    if (!hasExternalEndpoints) {
      rules.filterExternalServices.push(
        `-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalFilter!.comment} -m addrtype --dst-type LOCAL ${match} --dport ${port.nodePort} -j ${externalFilter!.target}`,
      );
    }
  }

  const chainRules = rules.chainRules;
  if (hasInternalEndpoints) {
    chainRules.push(`-A ${internalChain} -m comment --comment ${quote(`${spn} cluster IP`)} ${clusterIPMatch} ! -s ${context.clusterCIDR} -j KUBE-MARK-MASQ`);
  }
  if (usesExtChain) {
    rules.chains.push(extChain);
    if (!externalLocal) {
      chainRules.push(`-A ${extChain} -m comment --comment ${quote(`masquerade traffic for ${spn} external destinations`)} -j KUBE-MARK-MASQ`);
    } else {
      chainRules.push(`-A ${extChain} -m comment --comment ${quote(`pod traffic for ${spn} external destinations`)} -s ${context.clusterCIDR} -j ${svcChain}`);
      chainRules.push(`-A ${extChain} -m comment --comment ${quote(`masquerade LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`);
      chainRules.push(`-A ${extChain} -m comment --comment ${quote(`route LOCAL traffic for ${spn} external destinations`)} -m addrtype --src-type LOCAL -j ${svcChain}`);
    }
    if (hasExternalEndpoints) chainRules.push(`-A ${extChain} -j ${externalPolicyChain}`);
  }

  const sepName = (endpoint: EndpointInput) => endpointChainName(spn, protocol, endpointString(endpoint.ip, endpoint.port));
  const comment = (text: string) => (context.largeClusterMode ? '' : ` -m comment --comment ${text}`);
  const affinity = service.sessionAffinity === 'ClientIP';
  const writeServiceToEndpoints = (chain: string, chainEndpoints: EndpointInput[]) => {
    rules.chains.push(chain);
    if (affinity) {
      const seconds = service.sessionAffinityTimeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
      for (const endpoint of chainEndpoints) {
        const sep = sepName(endpoint);
        chainRules.push(`-A ${chain}${comment(quote(`${spn} -> ${endpointString(endpoint.ip, endpoint.port)}`))} -m recent --name ${sep} --rcheck --seconds ${seconds} --reap -j ${sep}`);
      }
    }
    const n = chainEndpoints.length;
    chainEndpoints.forEach((endpoint, i) => {
      const statistic = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
      chainRules.push(`-A ${chain}${comment(quote(`${spn} -> ${endpointString(endpoint.ip, endpoint.port)}`))}${statistic} -j ${sepName(endpoint)}`);
    });
  };
  if (usesClusterChain) writeServiceToEndpoints(svcChain, clusterEndpoints);
  if (usesLocalChain) writeServiceToEndpoints(svlChain, localEndpoints);

  for (const endpoint of reachableEndpoints) {
    const sep = sepName(endpoint);
    rules.chains.push(sep);
    chainRules.push(`-A ${sep}${comment(spn)} -s ${endpoint.ip} -j KUBE-MARK-MASQ`);
    const recent = affinity ? ` -m recent --name ${sep} --set` : '';
    chainRules.push(`-A ${sep}${comment(spn)}${recent} ${match} -j DNAT --to-destination ${endpointString(endpoint.ip, endpoint.port)}`);
  }
  return rules;
}

import { hash } from 'node:crypto';
import type { LabState, NodeState, PodState } from '../cluster/types';
import { runIptables, type Netfilter } from '../iptables';
import { matchesSelector } from '../netpol';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../netpol/types';

/**
 * A representative set of Felix's filter chains (felix/rules) on a calico node, implementing the
 * lab's NetworkPolicies per workload endpoint: FORWARD → cali-FORWARD → cali-from-wl-dispatch /
 * cali-to-wl-dispatch → cali-fw-<iface> / cali-tw-<iface> → cali-po-/cali-pi-<policy>. A policy
 * chain marks an accepted packet (0x10000) and returns; the endpoint chain returns on the mark and
 * drops what no policy passed ("Drop if no policies passed packet"). Selectors resolve to the
 * peers' /32s here (Felix uses ipsets); rule comments are "cali:<16-char hash>" as Felix writes.
 */
const ACCEPT_MARK = '0x10000/0x10000';

function id(text: string, length: number): string {
  return hash('sha224', text, 'base64').replace(/\+/g, '-').replace(/\//g, '_').slice(0, length);
}

/** Felix's rule comment: a hash of the chain and the rule's position. */
function comment(chain: string, index: number): string[] {
  return ['-m', 'comment', '--comment', `cali:${id(`${chain}#${index}`, 16)}`];
}

export function policyChainName(direction: 'in' | 'out', policy: NetworkPolicy): string {
  return `cali-p${direction === 'in' ? 'i' : 'o'}-_${id(`${policy.metadata.namespace}/knp.default.${policy.metadata.name}`, 19)}`;
}

function selects(policy: NetworkPolicy, pod: PodState): boolean {
  return pod.namespace === policy.metadata.namespace && matchesSelector(policy.spec.podSelector, pod.labels);
}

function policyTypes(policy: NetworkPolicy): string[] {
  return policy.spec.policyTypes ?? ['Ingress', ...(policy.spec.egress ? ['Egress'] : [])];
}

/** The peers' addresses as source/destination matches; undefined = any address. */
function peerMatches(state: LabState, policy: NetworkPolicy, peers: NetworkPolicyPeer[] | undefined): string[] | undefined {
  if (!peers || peers.length === 0) return undefined;
  const cidrs: string[] = [];
  for (const peer of peers) {
    if (peer.ipBlock) {
      cidrs.push(peer.ipBlock.cidr);
      continue;
    }
    for (const pod of state.pods.values()) {
      if (!pod.ip || pod.hostNetwork) continue;
      const namespace = state.namespaces.get(pod.namespace);
      const nsOk = peer.namespaceSelector ? namespace !== undefined && matchesSelector(peer.namespaceSelector, namespace.labels) : pod.namespace === policy.metadata.namespace;
      const podOk = peer.podSelector ? matchesSelector(peer.podSelector, pod.labels) : true;
      if (nsOk && podOk) cidrs.push(`${pod.ip}/32`);
    }
  }
  return cidrs;
}

function portMatches(ports: NetworkPolicyPort[] | undefined): string[][] {
  if (!ports || ports.length === 0) return [[]];
  return ports.map((port) => {
    const protocol = (port.protocol ?? 'TCP').toLowerCase();
    if (port.port === undefined || typeof port.port === 'string') return ['-p', protocol];
    const range = port.endPort ? `${port.port}:${port.endPort}` : String(port.port);
    return ['-p', protocol, '-m', protocol, '--dport', range];
  });
}

function localEndpoints(state: LabState, node: NodeState): PodState[] {
  const pods: PodState[] = [];
  for (const key of node.pods) {
    const pod = state.pods.get(key);
    if (pod && !pod.hostNetwork && pod.vethName?.startsWith('cali')) pods.push(pod);
  }
  return pods.sort((a, b) => a.vethName!.localeCompare(b.vethName!));
}

/** Felix owns every cali-* chain: a resync drops them (and the jumps to them) before writing them again. */
function removeFelixChains(netfilter: Netfilter): void {
  const felix = (name: string) => name.startsWith('cali-');
  for (const chain of netfilter.filter.chains.values()) chain.rules = chain.rules.filter((rule) => !(rule.target?.kind === 'jump' && felix(rule.target.chain)));
  for (const name of [...netfilter.filter.chains.keys()]) if (felix(name)) netfilter.filter.chains.delete(name);
}

/**
 * Writes Felix's chains for the node's workload endpoints and the policies that select them as
 * the lab is now, replacing the previous ones (Felix resyncs its chains with the datastore).
 */
export function applyFelixChains(netfilter: Netfilter, state: LabState, node: NodeState): void {
  removeFelixChains(netfilter);
  const rules: string[][] = [];
  const created = new Set<string>();
  const chain = (name: string) => {
    if (!created.has(name)) {
      created.add(name);
      rules.push(['-N', name]);
    }
  };
  const append = (name: string, spec: string[]) => {
    const index = rules.filter((rule) => rule[0] === '-A' && rule[1] === name).length;
    rules.push(['-A', name, ...spec.slice(0, spec.indexOf('-j')), ...comment(name, index), ...spec.slice(spec.indexOf('-j'))]);
  };
  for (const name of ['cali-FORWARD', 'cali-from-wl-dispatch', 'cali-to-wl-dispatch']) chain(name);
  append('cali-FORWARD', ['-i', 'cali+', '-j', 'cali-from-wl-dispatch']);
  append('cali-FORWARD', ['-o', 'cali+', '-j', 'cali-to-wl-dispatch']);
  append('cali-FORWARD', ['-m', 'mark', '--mark', ACCEPT_MARK, '-j', 'ACCEPT']);

  const policies = [...state.networkPolicies.values()].map((entry) => entry.policy);
  const policyChains = new Map<string, () => void>();
  for (const pod of localEndpoints(state, node)) {
    const iface = pod.vethName!;
    for (const [direction, dispatch, prefix, flag] of [['out', 'cali-from-wl-dispatch', 'cali-fw-', '-i'], ['in', 'cali-to-wl-dispatch', 'cali-tw-', '-o']] as const) {
      const endpointChain = `${prefix}${iface}`;
      chain(endpointChain);
      append(dispatch, [flag, iface, '-j', endpointChain]);
      append(endpointChain, ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT']);
      append(endpointChain, ['-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP']);
      const type = direction === 'in' ? 'Ingress' : 'Egress';
      const applying = policies.filter((policy) => selects(policy, pod) && policyTypes(policy).includes(type));
      if (applying.length === 0) {
        append(endpointChain, ['-j', 'ACCEPT']);
        continue;
      }
      append(endpointChain, ['-j', 'MARK', '--set-xmark', `0x0/${ACCEPT_MARK.split('/')[1]}`]);
      for (const policy of applying) {
        const name = policyChainName(direction, policy);
        if (!policyChains.has(name)) {
          chain(name);
          policyChains.set(name, () => policyChain(name, direction, policy));
        }
        append(endpointChain, ['-j', name]);
        append(endpointChain, ['-m', 'mark', '--mark', ACCEPT_MARK, '-j', 'RETURN']);
      }
      append(endpointChain, ['-j', 'DROP']);
    }
  }
  const policyChain = (name: string, direction: 'in' | 'out', policy: NetworkPolicy) => {
    const ruleList = direction === 'in' ? policy.spec.ingress ?? [] : policy.spec.egress ?? [];
    for (const rule of ruleList) {
      const peers = peerMatches(state, policy, 'from' in rule ? rule.from : (rule as { to?: NetworkPolicyPeer[] }).to);
      for (const ports of portMatches(rule.ports)) {
        for (const address of peers ?? [undefined]) {
          const where = address === undefined ? [] : [direction === 'in' ? '-s' : '-d', address];
          append(name, [...where, ...ports, '-j', 'MARK', '--set-xmark', ACCEPT_MARK]);
        }
      }
    }
  };
  for (const build of policyChains.values()) build();
  append('cali-from-wl-dispatch', ['-j', 'DROP']);
  append('cali-to-wl-dispatch', ['-j', 'DROP']);
  rules.push(['-I', 'FORWARD', '1', ...comment('FORWARD', 0), '-j', 'cali-FORWARD']);
  for (const rule of rules) {
    const result = runIptables(netfilter, rule);
    if (result.exitCode !== 0) throw new Error(`Felix rule iptables ${rule.join(' ')} failed: ${result.stderr}`);
  }
}

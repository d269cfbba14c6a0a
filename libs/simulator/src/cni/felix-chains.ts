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

interface PeerAddress {
  cidr: string;
  except?: string[];
  /** The pod behind a /32 (to resolve named ports against); absent for ipBlocks. */
  pod?: PodState;
}

/** The peers' addresses; undefined = any address. */
function peerAddresses(state: LabState, policy: NetworkPolicy, peers: NetworkPolicyPeer[] | undefined): PeerAddress[] | undefined {
  if (!peers || peers.length === 0) return undefined;
  const addresses: PeerAddress[] = [];
  for (const peer of peers) {
    if (peer.ipBlock) {
      addresses.push({ cidr: peer.ipBlock.cidr, ...(peer.ipBlock.except?.length ? { except: peer.ipBlock.except } : {}) });
      continue;
    }
    for (const pod of state.pods.values()) {
      if (!pod.ip || pod.hostNetwork) continue;
      const namespace = state.namespaces.get(pod.namespace);
      const nsOk = peer.namespaceSelector ? namespace !== undefined && matchesSelector(peer.namespaceSelector, namespace.labels) : pod.namespace === policy.metadata.namespace;
      const podOk = peer.podSelector ? matchesSelector(peer.podSelector, pod.labels) : true;
      if (nsOk && podOk) addresses.push({ cidr: `${pod.ip}/32`, pod });
    }
  }
  return addresses;
}

/** A container port of the pod by name (named ports resolve per destination pod, as Felix's named-port ipsets do). */
function namedPort(pod: PodState, name: string, protocol: string): number | undefined {
  for (const container of pod.containers) for (const port of container.ports) if (port.name === name && port.protocol === protocol) return port.containerPort;
  return undefined;
}

/** One accepting clause of a policy chain: address, optional destination pin (named ports), protocol/ports. */
interface Clause {
  address?: { flag: '-s' | '-d'; cidr: string; except?: string[] };
  destination?: string;
  ports: string[];
}

function clauses(state: LabState, policy: NetworkPolicy, direction: 'in' | 'out', peers: NetworkPolicyPeer[] | undefined, ports: NetworkPolicyPort[] | undefined): Clause[] {
  const flag = direction === 'in' ? '-s' : '-d';
  const addresses = peerAddresses(state, policy, peers);
  const out: Clause[] = [];
  const portSpecs = ports && ports.length > 0 ? ports : [undefined];
  for (const port of portSpecs) {
    const protocol = port?.protocol ?? 'TCP';
    const p = protocol.toLowerCase();
    if (port !== undefined && typeof port.port === 'string') {
      // Named port: pinned to each destination pod that has it.
      const name = port.port;
      const destinations =
        direction === 'in'
          ? [...state.pods.values()].filter((pod) => pod.ip && !pod.hostNetwork && selects(policy, pod))
          : (addresses ?? [...state.pods.values()].filter((pod) => pod.ip && !pod.hostNetwork).map((pod) => ({ cidr: `${pod.ip}/32`, pod }))).flatMap((a) => (a.pod ? [a.pod] : []));
      for (const pod of destinations) {
        const number = namedPort(pod, name, protocol);
        if (number === undefined) continue;
        const ruleAddresses = direction === 'in' ? addresses ?? [undefined] : [undefined];
        for (const address of ruleAddresses) {
          out.push({ ...(address ? { address: { flag, cidr: address.cidr, except: address.except } } : {}), destination: `${pod.ip}/32`, ports: ['-p', p, '-m', p, '--dport', String(number)] });
        }
      }
      continue;
    }
    const match = port === undefined ? [] : port.port === undefined ? ['-p', p] : ['-p', p, '-m', p, '--dport', port.endPort ? `${port.port}:${port.endPort}` : String(port.port)];
    for (const address of addresses ?? [undefined]) out.push({ ...(address ? { address: { flag, cidr: address.cidr, except: address.except } } : {}), ports: match });
  }
  return out;
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
    const jump = spec.indexOf('-j');
    rules.push(['-A', name, ...spec.slice(0, jump), ...comment(name, index), ...spec.slice(jump)]);
  };
  const acceptMark = ['-j', 'MARK', '--set-xmark', ACCEPT_MARK];
  const returnIfAccepted = ['-m', 'mark', '--mark', ACCEPT_MARK, '-j', 'RETURN'];
  for (const name of ['cali-FORWARD', 'cali-from-wl-dispatch', 'cali-to-wl-dispatch']) chain(name);
  append('cali-FORWARD', ['-i', 'cali+', '-j', 'cali-from-wl-dispatch']);
  append('cali-FORWARD', ['-o', 'cali+', '-j', 'cali-to-wl-dispatch']);
  append('cali-FORWARD', ['-m', 'mark', '--mark', ACCEPT_MARK, '-j', 'ACCEPT']);

  const policies = [...state.networkPolicies.values()].map((entry) => entry.policy);
  const later: (() => void)[] = [];
  for (const pod of localEndpoints(state, node)) {
    const iface = pod.vethName!;
    for (const [direction, dispatch, prefix, flag] of [['out', 'cali-from-wl-dispatch', 'cali-fw-', '-i'], ['in', 'cali-to-wl-dispatch', 'cali-tw-', '-o']] as const) {
      const endpointChain = `${prefix}${iface}`;
      chain(endpointChain);
      // Felix dispatches with -g (goto); HopLab's iptables has no goto, so the dispatch returns after the jump instead.
      append(dispatch, [flag, iface, '-j', endpointChain]);
      append(dispatch, [flag, iface, '-j', 'RETURN']);
      append(endpointChain, ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT']);
      append(endpointChain, ['-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP']);
      append(endpointChain, ['-j', 'MARK', '--set-xmark', `0x0/${ACCEPT_MARK.split('/')[1]}`]);
      const type = direction === 'in' ? 'Ingress' : 'Egress';
      const applying = policies.filter((policy) => selects(policy, pod) && policyTypes(policy).includes(type));
      // Not isolated in this direction: the namespace's profile accepts (kns.<namespace>).
      const targets = applying.length > 0 ? applying.map((policy) => policyChainName(direction, policy)) : [`cali-p${direction === 'in' ? 'ri' : 'ro'}-kns.${pod.namespace}`];
      for (const [i, target] of targets.entries()) {
        if (!created.has(target)) {
          chain(target);
          const policy = applying[i];
          later.push(policy ? () => policyChain(target, direction, policy) : () => (append(target, acceptMark), append(target, returnIfAccepted)));
        }
        append(endpointChain, ['-j', target]);
        append(endpointChain, returnIfAccepted);
      }
      append(endpointChain, ['-j', 'DROP']);
    }
  }
  const policyChain = (name: string, direction: 'in' | 'out', policy: NetworkPolicy) => {
    const ruleList = direction === 'in' ? policy.spec.ingress ?? [] : policy.spec.egress ?? [];
    for (const rule of ruleList) {
      const peers = 'from' in rule ? rule.from : (rule as { to?: NetworkPolicyPeer[] }).to;
      for (const clause of clauses(state, policy, direction, peers, rule.ports)) {
        const where = [...(clause.address ? [clause.address.flag, clause.address.cidr] : []), ...(clause.destination ? ['-d', clause.destination] : [])];
        if (clause.address?.except) {
          // Felix matches "cidr but not except" with ipsets; here a sub-chain returns for the excepted ranges.
          const sub = `cali-px-${id(`${name}|${clause.address.cidr}|${clause.address.except.join(',')}|${clause.ports.join(' ')}`, 20)}`;
          chain(sub);
          for (const except of clause.address.except) append(sub, [clause.address.flag, except, '-j', 'RETURN']);
          append(sub, acceptMark);
          append(name, [...where, ...clause.ports, '-j', sub]);
        } else {
          append(name, [...where, ...clause.ports, ...acceptMark]);
        }
        append(name, returnIfAccepted);
      }
    }
  };
  for (const build of later) build();
  append('cali-from-wl-dispatch', ['-j', 'DROP']);
  append('cali-to-wl-dispatch', ['-j', 'DROP']);
  rules.push(['-I', 'FORWARD', '1', ...comment('FORWARD', 0), '-j', 'cali-FORWARD']);
  for (const rule of rules) {
    const result = runIptables(netfilter, rule);
    if (result.exitCode !== 0) throw new Error(`Felix rule iptables ${rule.join(' ')} failed: ${result.stderr}`);
  }
}

import type { LabState } from '../../cluster/types';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../../netpol/types';
import { formatCtime } from '../../iptables/render-table';
import { failed, printed, type ViewOutput } from '../output';
import { alignTabs, kubectlDescribeSettings } from '../text/tabwriter';
import { formatLabelSelector } from './format-label-selector';

export interface DescribeNetworkPolicyOptions {
  /** Wall-clock time the lab started (epoch ms): creation timestamps are this plus simulated time. */
  labStartedAt?: number;
}

/** Go's time.Time.String() in UTC: "2026-11-22 15:41:25 +0000 UTC". */
function goTime(epochMs: number): string {
  const [, month, day, time, year] = formatCtime(epochMs).split(/ +/);
  const monthNumber = String(MONTHS.indexOf(month) + 1).padStart(2, '0');
  return `${year}-${monthNumber}-${day.padStart(2, '0')} ${time} +0000 UTC`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function portLines(ports: NetworkPolicyPort[] | undefined, indent: string): string {
  if (!ports || ports.length === 0) return `${indent}To Port: <any> (traffic allowed to all ports)\n`;
  return ports
    .map((port) => {
      const number = port.port === undefined ? '<nil>' : String(port.port);
      const range = port.endPort === undefined ? number : `${number}-${port.endPort}`;
      return `${indent}To Port: ${range}/${port.protocol ?? 'TCP'}\n`;
    })
    .join('');
}

function peerLines(peers: NetworkPolicyPeer[] | undefined, word: 'From' | 'To', indent: string): string {
  if (!peers || peers.length === 0) {
    return `${indent}${word}: <any> (traffic not restricted by ${word === 'From' ? 'source' : 'destination'})\n`;
  }
  let text = '';
  for (const peer of peers) {
    text += `${indent}${word}:\n`;
    const inner = `  ${indent}`;
    if (peer.podSelector && peer.namespaceSelector) {
      text += `${inner}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`;
      text += `${inner}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`;
    } else if (peer.podSelector) {
      text += `${inner}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`;
    } else if (peer.namespaceSelector) {
      text += `${inner}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`;
    } else if (peer.ipBlock) {
      text += `${inner}IPBlock:\n    ${indent}CIDR: ${peer.ipBlock.cidr}\n    ${indent}Except: ${(peer.ipBlock.except ?? []).join(', ')}\n`;
    }
  }
  return text;
}

function ruleLines(
  rules: { ports?: NetworkPolicyPort[]; peers?: NetworkPolicyPeer[] }[],
  direction: 'ingress' | 'egress',
): string {
  const indent = '    ';
  if (rules.length === 0) return `${indent}<none> (Selected pods are isolated for ${direction} connectivity)\n`;
  return rules
    .map((rule) => portLines(rule.ports, indent) + peerLines(rule.peers, direction === 'ingress' ? 'From' : 'To', indent))
    .join(`${indent}----------\n`);
}

/** kubectl's NetworkPolicyDescriber (describeNetworkPolicy / describeNetworkPolicySpec). */
export function describeNetworkPolicy(policy: NetworkPolicy, createdAtEpochMs: number): string {
  const { metadata, spec } = policy;
  const labels = Object.keys(metadata.labels ?? {}).sort();
  let text = `Name:\t${metadata.name}\nNamespace:\t${metadata.namespace}\nCreated on:\t${goTime(createdAtEpochMs)}\n`;
  text += labels.length === 0 ? 'Labels:\t<none>\n' : labels.map((key, i) => `${i === 0 ? 'Labels:' : ''}\t${key}=${metadata.labels![key]}\n`).join('');
  text += 'Annotations:\t<none>\nSpec:\n';
  const selector = formatLabelSelector(spec.podSelector);
  text += `  PodSelector:     ${selector === '<none>' ? '<none> (Allowing the specific traffic to all pods in this namespace)' : selector}\n`;
  const types = spec.policyTypes ?? [];
  text += types.includes('Ingress')
    ? `  Allowing ingress traffic:\n${ruleLines((spec.ingress ?? []).map((r) => ({ ports: r.ports, peers: r.from })), 'ingress')}`
    : '  Not affecting ingress traffic\n';
  text += types.includes('Egress')
    ? `  Allowing egress traffic:\n${ruleLines((spec.egress ?? []).map((r) => ({ ports: r.ports, peers: r.to })), 'egress')}`
    : '  Not affecting egress traffic\n';
  text += `  Policy Types: ${types.join(', ')}\n`;
  return alignTabs(text, kubectlDescribeSettings);
}

/** `kubectl describe networkpolicy <name> [-n ns]`. */
export function kubectlDescribeNetworkPolicy(
  state: LabState,
  name: string,
  namespace = 'default',
  options: DescribeNetworkPolicyOptions = {},
): ViewOutput {
  const entry = state.networkPolicies.get(`${namespace}/${name}`);
  if (!entry) return failed(`Error from server (NotFound): networkpolicies.networking.k8s.io "${name}" not found\n`, 1);
  return printed(describeNetworkPolicy(entry.policy, (options.labStartedAt ?? 0) + entry.createdAt));
}

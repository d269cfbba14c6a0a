/**
 * The verdict for one flow: egress is decided at the source pod, ingress at the destination pod
 * (after Service DNAT); a pod isolated in a direction needs some rule of some policy selecting it
 * to allow the flow (union); a pod not isolated allows everything; traffic to itself is allowed.
 */
import { isSelfFlow, policyPod } from './endpoints';
import { explainFlow } from './explain';
import { indexWorld, ipBlockMatches, isNetpolIndex, type CompiledPeer, type CompiledPolicy, type CompiledRule, type NetpolIndex } from './policy-index';
import type { DirectionVerdict, Flow, FlowEndpoint, FlowVerdict, NetpolWorld, RuleMatch } from './types';

function peerMatches(index: NetpolIndex, peer: CompiledPeer, policyNamespace: string, other: FlowEndpoint): boolean {
  if (peer.ipBlock) return ipBlockMatches(peer.ipBlock, other.ip);
  const pod = policyPod(other);
  if (!pod || !peer.pods) return false;
  const namespaceOk = peer.pods.namespace
    ? peer.pods.namespace(index.namespaceLabels(pod.namespace))
    : pod.namespace === policyNamespace;
  return namespaceOk && peer.pods.labels(pod.labels);
}

function portMatches(rule: CompiledRule, flow: Flow): boolean {
  if (!rule.ports) return true;
  const destination = policyPod(flow.destination);
  return rule.ports.some((port) => {
    if (port.protocol !== flow.protocol) return false;
    if (port.name !== undefined) {
      // Named ports are resolved on the destination pod: name, protocol and number must agree.
      return (
        destination !== null &&
        destination.containers.some((c) =>
          c.ports.some((p) => p.name === port.name && p.protocol === flow.protocol && p.containerPort === flow.port),
        )
      );
    }
    return port.port === undefined || (flow.port >= port.port && flow.port <= (port.endPort as number));
  });
}

function decideDirection(
  index: NetpolIndex,
  policies: CompiledPolicy[],
  direction: 'ingress' | 'egress',
  flow: Flow,
): DirectionVerdict {
  const other = direction === 'ingress' ? flow.source : flow.destination;
  const allowedBy: RuleMatch[] = [];
  const keys: string[] = [];
  for (const policy of policies) {
    const rules = policy[direction];
    if (!rules) continue;
    keys.push(policy.key);
    rules.forEach((rule, ruleIndex) => {
      if (!portMatches(rule, flow)) return;
      if (!rule.peers) {
        allowedBy.push({ policy: policy.key, ruleIndex, peerIndex: null });
        return;
      }
      const peerIndex = rule.peers.findIndex((peer) => peerMatches(index, peer, policy.namespace, other));
      if (peerIndex >= 0) allowedBy.push({ policy: policy.key, ruleIndex, peerIndex });
    });
  }
  const isolated = keys.length > 0;
  return { applicable: true, isolated, policies: keys, allowedBy, allowed: !isolated || allowedBy.length > 0 };
}

const notApplicable: DirectionVerdict = Object.freeze({
  applicable: false,
  isolated: false,
  policies: [],
  allowedBy: [],
  allowed: true,
}) as DirectionVerdict;

/** Policies already looked up for the flow's ends, so a matrix looks each pod up once. */
export interface SelectedPolicies {
  source: CompiledPolicy[] | null;
  destination: CompiledPolicy[] | null;
}

export function decideFlow(index: NetpolIndex, flow: Flow, selected?: SelectedPolicies): Omit<FlowVerdict, 'explanation'> {
  const source = policyPod(flow.source);
  const destination = policyPod(flow.destination);
  const egress = source
    ? decideDirection(index, selected?.source ?? index.selecting(source), 'egress', flow)
    : { ...notApplicable };
  const ingress = destination
    ? decideDirection(index, selected?.destination ?? index.selecting(destination), 'ingress', flow)
    : { ...notApplicable };
  return { allowed: isSelfFlow(flow) || (egress.allowed && ingress.allowed), egress, ingress };
}

/**
 * The verdict for one flow, with the policies considered at each end, the rules and peers that
 * allowed it and one sentence. Pass an index from indexWorld() when evaluating many flows.
 */
export function evaluateFlow(world: NetpolWorld | NetpolIndex, flow: Flow): FlowVerdict {
  const index = isNetpolIndex(world) ? world : indexWorld(world);
  const verdict = decideFlow(index, flow);
  return { ...verdict, explanation: explainFlow(flow, verdict) };
}

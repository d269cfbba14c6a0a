import type { LabState, PodState } from '../cluster/types';
import { oncePerVersion } from '../cluster/once-per-version';
import { enforcesNetworkPolicy, evaluateFlow, type DirectionVerdict, type Flow, type FlowEndpoint, type NetpolIndex, type Protocol } from '../netpol';
import type { TraceProtocol } from './types';
import { ciliumDirectionVerdict } from '../cni/cilium-policy';
import { weaveNpc, weaveNpcVerdict } from '../cni/weave-npc';
import type { Walk, WalkEnd } from './walk';

/** Whether a NetworkPolicy of the lab has an ipBlock peer, once per state version. */
const hasIpBlock = oncePerVersion((state: LabState): boolean => {
  let any = false;
  for (const { policy } of state.networkPolicies.values()) {
    for (const rule of policy.spec.ingress ?? []) any ||= (rule.from ?? []).some((peer) => peer.ipBlock !== undefined);
    for (const rule of policy.spec.egress ?? []) any ||= (rule.to ?? []).some((peer) => peer.ipBlock !== undefined);
  }
  return any;
});

/**
 * NetworkPolicy where the plugin enforces it: egress on the host side of the source pod's veth,
 * ingress on the host side of the destination pod's veth, each with the engine's explanation on
 * the hop that decides. On flannel/bridge the packet passes and the hop says what would happen.
 */
export class PolicyGate {
  readonly enforced: boolean;
  /** The engine's sentence for the last direction checked (the trace's explanation). */
  explanation = '';
  private deniedReason = '';

  constructor(
    private readonly state: LabState,
    private readonly index: NetpolIndex,
    private readonly source: PodState | null,
    private destination: FlowEndpoint,
    private readonly packet: { src: string; dstPort?: number; protocol: TraceProtocol },
    private destinationPort?: number,
  ) {
    this.enforced = enforcesNetworkPolicy(state.cluster.cni.plugin);
  }

  private flow(): Flow {
    const source: FlowEndpoint = this.source && this.packet.src === this.source.ip ? this.source : { ip: this.packet.src };
    // NetworkPolicy ports only name TCP, UDP and SCTP: an ICMP flow matches rules without ports only.
    return { source, destination: this.destination, port: this.destinationPort ?? this.packet.dstPort ?? 0, protocol: this.packet.protocol as Protocol };
  }

  /** After Service DNAT, policies see the endpoint and its port, not the ClusterIP. */
  retarget(destination: FlowEndpoint, port?: number): void {
    this.destination = destination;
    this.destinationPort = port;
  }

  egress(walk: Walk, node: string, device: string): boolean {
    return this.check(walk, node, device, 'egress');
  }

  ingress(walk: Walk, node: string, device: string): boolean {
    if (!('namespace' in this.destination)) return true;
    return this.check(walk, node, device, 'ingress');
  }

  denied(direction: 'egress' | 'ingress'): WalkEnd {
    return { verdict: 'dropped', reason: this.deniedReason || `${direction} denied by NetworkPolicy` };
  }

  private seqOf(key: string): number | undefined {
    return this.state.networkPolicies.get(key)?.appliedSeq;
  }

  /**
   * cilium departs from the API only over ipBlocks and for its own node's traffic to an endpoint
   * (reserved:host). Without either its maps decide as the API does, and they are not built: an
   * endpoint's maps resolve each selector over every pod of the lab (150,000 at the limits).
   */
  private ciliumMayDiffer(direction: 'egress' | 'ingress'): boolean {
    return (direction === 'ingress' && !('namespace' in this.flow().source)) || hasIpBlock(this.state);
  }

  /**
   * Where cilium's identity-based maps decide otherwise than the API's semantics (an ipBlock over
   * pod or node IPs, the node's own traffic to its endpoints), cilium's decision is the hop's.
   */
  private ciliumDiffers(walk: Walk, node: string, device: string, direction: 'egress' | 'ingress', allowed: boolean): boolean | undefined {
    const flow = this.flow();
    const destination = 'ip' in flow.destination ? flow.destination.ip : '';
    const cilium = ciliumDirectionVerdict(this.state, direction, this.packet.src, destination, this.packet.protocol, this.packet.protocol === 'ICMP' ? undefined : flow.port);
    if (cilium.allowed === allowed) return undefined;
    const base = { node, netns: 'node', device, layer: 'policy' as const };
    if (cilium.allowed) {
      walk.push({ ...base, action: 'policy-allow', summary: "The packet comes from the endpoint's own node (reserved:host, ID:1): cilium lets the host reach its endpoints whatever the policies." });
      return true;
    }
    const remote = cilium.remote.kind === 'pod' ? `${cilium.remote.pod.namespace}/${cilium.remote.pod.name} (ID:${cilium.remote.identity})` : `reserved:${cilium.remote.kind} (ID:${cilium.remote.identity})`;
    this.deniedReason = `${direction} denied by NetworkPolicy ${cilium.policies.join(', ')}: cilium never matches an ipBlock against pod or node IPs`;
    walk.push({
      ...base,
      action: 'drop',
      summary: `The ${direction} policy map of ${cilium.endpoint.namespace}/${cilium.endpoint.name} has no entry for ${remote}: cilium matches an ipBlock only against addresses outside the cluster, never a pod's or node's own identity (cilium#9209). Dropped: Policy denied.`,
      rule: cilium.policies.join(', '),
      causedBy: this.seqOf(cilium.policies[0]),
    });
    return false;
  }

  /**
   * Where weave-npc's chains decide otherwise than the API's semantics (it refuses a policy with a
   * named port, it reads only the first port of a range), the chains' decision is the hop's.
   */
  private weaveDiffers(walk: Walk, node: string, device: string, direction: 'egress' | 'ingress', allowed: boolean, policies: string[]): boolean | undefined {
    const flow = this.flow();
    const pod = (endpoint: FlowEndpoint) => ('namespace' in endpoint ? this.state.pods.get(`${endpoint.namespace}/${endpoint.name}`) : undefined);
    const destination = 'ip' in flow.destination ? flow.destination.ip : '';
    const port = this.packet.protocol === 'ICMP' ? undefined : flow.port;
    const weave = weaveNpcVerdict(this.state, direction, pod(flow.source), pod(flow.destination), this.packet.src, destination, this.packet.protocol, port);
    if (weave.allowed === allowed) return undefined;
    const rejected = weaveNpc(this.state).rejected;
    const refused = policies.filter((key) => rejected.has(key));
    const why =
      weave.reason === 'host'
        ? "the packet comes from the destination's own node, which weave-npc does not police (OUTPUT, not FORWARD)"
        : refused.length > 0
          ? `weave-npc refused ${refused.join(', ')} (named ports in network policies is not supported yet), so it isolates nothing`
          : 'weave-npc reads only the first port of a port range (endPort is ignored)';
    const base = { node, netns: 'node', device, layer: 'policy' as const, rule: weave.decidedBy ?? policies.join(', '), causedBy: this.seqOf(policies[0]) };
    if (weave.allowed) {
      walk.push({ ...base, action: 'policy-allow', summary: `The API would ${direction === 'egress' ? 'stop this egress' : 'stop this ingress'} (${policies.join(', ')}), but ${why}: weave-npc's chains accept it.` });
      return true;
    }
    this.deniedReason = `${direction} denied by weave-npc: ${why}`;
    walk.push({ ...base, action: 'drop', summary: `${why}: no rule of weave-npc's chains accepts ${this.packet.protocol}${port === undefined ? '' : `/${port}`}, and the weave bridge drops the packet (the client times out).` });
    return false;
  }

  private check(walk: Walk, node: string, device: string, direction: 'egress' | 'ingress'): boolean {
    const verdict = evaluateFlow(this.index, this.flow());
    const side: DirectionVerdict = verdict[direction];
    if (!side.applicable) return true;
    const self = verdict.allowed && side.isolated && !side.allowed;
    const allowed = side.allowed || self;
    this.explanation = verdict.explanation;
    const base = { node, netns: 'node', device, layer: 'policy' as const };
    if (!this.enforced) {
      if (allowed) return true;
      const names = side.policies.map((key) => key.slice(key.indexOf('/') + 1));
      this.explanation =
        `Allowed: ${this.state.cluster.cni.plugin} does not enforce NetworkPolicy; ` +
        `would be denied by ${names.join(', ')} if the CNI enforced NetworkPolicy. (${verdict.explanation})`;
      walk.push({
        ...base,
        action: 'policy-not-enforced',
        summary: `${direction === 'egress' ? 'Egress' : 'Ingress'} would be denied by ${names.join(', ')} if the CNI enforced NetworkPolicy; ${this.state.cluster.cni.plugin} does not, so the packet passes.`,
        rule: side.policies.join(', '),
        causedBy: this.seqOf(side.policies[0]),
      });
      return true;
    }
    if (this.state.cluster.cni.plugin === 'cilium' && this.ciliumMayDiffer(direction)) {
      const differs = this.ciliumDiffers(walk, node, device, direction, allowed);
      if (differs !== undefined) return differs;
    }
    if (this.state.cluster.cni.plugin === 'weave') {
      const differs = this.weaveDiffers(walk, node, device, direction, allowed, side.policies);
      if (differs !== undefined) return differs;
    }
    if (!side.isolated) {
      walk.push({ ...base, action: 'policy-allow', summary: `No NetworkPolicy selects the ${direction === 'egress' ? 'source' : 'destination'} pod for ${direction}: not isolated, allowed.` });
      return true;
    }
    if (allowed) {
      const match = side.allowedBy[0];
      walk.push({
        ...base,
        action: 'policy-allow',
        summary: match
          ? `${direction === 'egress' ? 'Egress' : 'Ingress'} allowed by ${match.policy} (${direction} rule ${match.ruleIndex}${match.peerIndex === null ? '' : `, peer ${match.peerIndex}`}).`
          : 'Traffic of a pod to itself is never restricted by NetworkPolicy.',
        ...(match ? { rule: match.policy, causedBy: this.seqOf(match.policy) } : {}),
      });
      return true;
    }
    this.deniedReason = `${direction} denied by NetworkPolicy ${side.policies.join(', ')}: no rule allows ${this.packet.protocol}${this.packet.protocol === 'ICMP' ? '' : `/${this.packet.dstPort}`}`;
    walk.push({
      ...base,
      action: 'drop',
      summary: `${verdict.explanation} The ${this.state.cluster.cni.plugin} policy rules drop the packet silently (the client times out).`,
      rule: side.policies.join(', '),
      causedBy: this.seqOf(side.policies[0]),
    });
    return false;
  }
}

import type { LabState } from '../../cluster/types';
import { hubbleFlowLine, securityIdentity, type HubbleEndpoint, type HubbleFlow } from '../../cni/hubble';
import { podByIp } from '../endpoints';
import type { Hop, TraceResult } from '../types';

/**
 * `hubble observe` for a traced flow on cilium: the points where cilium's eBPF reports it —
 * to-overlay (into cilium_vxlan), to-endpoint (into the pod's lxc), and for a policy drop the
 * policy-verdict and "Policy denied" events, and with kube-proxy replacement the socket LB's
 * pre-/post-xlate-fwd events. Replies print the client first with `<-`, drops `<>`.
 * Only pod endpoints are printed (hubble shows hosts and the world as reserved identities).
 */
export function renderHubbleObserve(state: LabState, result: TraceResult, epochMs: number): string {
  if (state.cluster.cni.plugin !== 'cilium') return '';
  const lines: string[] = [];
  let reply = false;
  const flow = (hop: Hop, point: string, verdict: HubbleFlow['verdict'], direction: HubbleFlow['direction']) => {
    const { l3, l4 } = hop.packet;
    const source = endpoint(state, l3.src, l4?.srcPort);
    const destination = endpoint(state, l3.dst, l4?.dstPort);
    if (!source || !destination) return;
    const [left, right] = reply ? [destination, source] : [source, destination];
    lines.push(hubbleFlowLine({ epochMs, source: left, destination: right, direction: reply ? '<-' : direction, point, verdict, summary: summaryOf(hop) }));
  };
  for (const hop of result.hops) {
    if (hop.layer === 'ebpf' && hop.action === 'dnat' && hop.netns.startsWith('pod ')) lines.push(...socketTranslation(state, hop, epochMs));
    else if (hop.action === 'conntrack') reply = true;
    else if (hop.action === 'encapsulate') flow(hop, 'to-overlay', 'FORWARDED', '->');
    else if (hop.action === 'veth-transit' && hop.netns.startsWith('pod ')) flow(hop, 'to-endpoint', 'FORWARDED', '->');
    else if (hop.layer === 'policy' && hop.action === 'drop') {
      const direction = result.reason.startsWith('egress') ? 'EGRESS' : 'INGRESS';
      flow(hop, `policy-verdict:none ${direction}`, 'DENIED', '<>');
      flow(hop, 'Policy denied', 'DROPPED', '<>');
    }
  }
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * The socket LB's trace events for a connect() to a ClusterIP (kube-proxy replacement): the Service
 * before translation (a `(world)` destination), the chosen backend after, without ports on the client.
 */
function socketTranslation(state: LabState, hop: Hop, epochMs: number): string[] {
  const { l3, l4 } = hop.packet;
  const client = endpoint(state, l3.src, undefined);
  const service = [...state.services.values()].find((candidate) => candidate.clusterIP === l3.dst);
  const backend = /=> ([\d.]+):(\d+)$/.exec(hop.rule ?? '');
  const chosen = backend ? endpoint(state, backend[1], Number(backend[2])) : undefined;
  if (!client || !service || !chosen) return [];
  const line = (destination: HubbleEndpoint, point: string, verdict: HubbleFlow['verdict']) =>
    hubbleFlowLine({ epochMs, source: client, destination, direction: '<>', point, verdict, summary: l3.protocol });
  return [
    line({ namespace: service.namespace, pod: service.name, port: l4?.dstPort, identity: 'world' }, 'pre-xlate-fwd', 'TRACED'),
    line(chosen, 'post-xlate-fwd', 'TRANSLATED'),
  ];
}

function endpoint(state: LabState, ip: string, port: number | undefined): HubbleEndpoint | undefined {
  const pod = podByIp(state, ip);
  if (!pod) return undefined;
  return { namespace: pod.namespace, pod: pod.name, ...(port !== undefined ? { port } : {}), identity: securityIdentity(pod.namespace, pod.labels) };
}

function summaryOf(hop: Hop): string {
  const { l3, l4 } = hop.packet;
  if (l3.protocol === 'TCP') return `TCP Flags: ${(l4?.flags ?? '').split(',').join(', ')}`;
  if (l3.protocol === 'ICMP') return l4?.flags === 'echo-reply' ? 'ICMPv4 EchoReply' : 'ICMPv4 EchoRequest';
  return l3.protocol;
}

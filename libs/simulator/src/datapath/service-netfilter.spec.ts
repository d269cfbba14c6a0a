import type { LabState } from '../cluster/types';
import { applyCommand } from '../model/apply';
import { nodeTables, runNodeIptables } from '../node-iptables';
import { parseIp } from '../net/ipv4';
import { labWith, runPod } from './lab-fixtures';
import { flowDraws, runChain } from './netfilter-eval';
import { nodeChainSource } from './node-filters';
import { trace } from './trace';
import { flowPort } from './walk';

/** minikube --nodes 3 (flannel, kube-proxy 1.26 unless told) with web-0..2 (nginx) on each node and clients on minikube. */
function lab(kubeProxy: '1.26' | '1.28+' = '1.26', type: 'ClusterIP' | 'NodePort' = 'ClusterIP'): LabState {
  const state = labWith({ kubeProxy: { version: kubeProxy } }, 3);
  for (let i = 0; i < 12; i++) runPod(state, `client-${i}`, 'busybox', 'minikube', { app: 'client' });
  for (const [i, node] of ['minikube', 'minikube-m02', 'minikube-m03'].entries()) runPod(state, `web-${i}`, 'nginx', node, { app: 'web' });
  applyCommand(state, {
    type: 'applyService',
    service: { namespace: 'default', name: 'web', type, selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 80, ...(type === 'NodePort' ? { nodePort: 30080 } : {}) }] },
  });
  return state;
}

const deliveredTo = (result: ReturnType<typeof trace>) => result.hops.find((hop) => hop.action === 'deliver')?.packet.l3.dst;

describe('trace: Services through the nodes\' netfilter tables', () => {
  it('a Service with three endpoints: flows spread over the endpoints, each flow pinned, as the full tables decide', () => {
    const state = lab();
    const clusterIP = state.services.get('default/web')!.clusterIP;
    const endpoints = new Set([0, 1, 2].map((i) => state.pods.get(`default/web-${i}`)!.ip));
    const chosen = new Set<string>();
    const minikube = state.nodes.get('minikube')!;
    for (let i = 0; i < 12; i++) {
      const request = { from: `default/client-${i}`, to: 'web.default', port: 8080, protocol: 'TCP' as const };
      const first = trace(state, request);
      expect(first.verdict).toBe('delivered');
      const endpoint = deliveredTo(first)!;
      expect(endpoints).toContain(endpoint);
      expect(deliveredTo(trace(state, request))).toBe(endpoint);
      chosen.add(endpoint);
      // The same flow through the node's complete simulated tables picks the same endpoint.
      const dnat = first.hops.find((hop) => hop.action === 'dnat')!;
      const packet = dnat.packet;
      const full = nodeTables(state, 'minikube');
      const viaFull = runChain((table, chain) => full[table].chains.get(chain), 'nat', 'PREROUTING', {
        src: parseIp(packet.l3.src)!, dst: parseIp(clusterIP)!, protocol: 'tcp', srcPort: packet.l4!.srcPort, dstPort: 8080, inInterface: 'cni0', mark: 0, ctstates: ['NEW'], isLocal: () => false,
      }, flowDraws(flowPort({ src: packet.l3.src, dst: clusterIP, protocol: 'TCP', srcPort: packet.l4!.srcPort, dstPort: 8080, ttl: 64, length: 60 })));
      const viaView = runChain(nodeChainSource(state, minikube, state.time, clusterIP, 8080, false), 'nat', 'PREROUTING', {
        src: parseIp(packet.l3.src)!, dst: parseIp(clusterIP)!, protocol: 'tcp', srcPort: packet.l4!.srcPort, dstPort: 8080, inInterface: 'cni0', mark: 0, ctstates: ['NEW'], isLocal: () => false,
      }, flowDraws(flowPort({ src: packet.l3.src, dst: clusterIP, protocol: 'TCP', srcPort: packet.l4!.srcPort, dstPort: 8080, ttl: 64, length: 60 })));
      expect(viaFull.verdict).toEqual({ kind: 'DNAT', ip: endpoint, port: 80 });
      expect(viaView.verdict).toEqual(viaFull.verdict);
    }
    expect(chosen.size).toBeGreaterThanOrEqual(2);
  });

  it('a NodePort from outside: KUBE-NODEPORTS DNATs, kube-proxy masquerades it out of the node toward the endpoint', () => {
    const state = lab('1.26', 'NodePort');
    const m02 = state.nodes.get('minikube-m02')!;
    const result = trace(state, { from: { ip: '203.0.113.7' }, to: { ip: m02.ip }, port: 30080, protocol: 'TCP' });
    expect(result.verdict).toBe('delivered');
    const dnat = result.hops.find((hop) => hop.action === 'dnat')!;
    expect(dnat).toMatchObject({ node: 'minikube-m02', device: 'eth0' });
    expect(dnat.rule).toMatch(/^KUBE-NODEPORTS → KUBE-EXT-[A-Z0-9]{16} → KUBE-SVC-[A-Z0-9]{16} → KUBE-SEP-[A-Z0-9]{16} DNAT to 10\.244\.\d+\.\d+:80$/);
    const endpoint = deliveredTo(result)!;
    const local = state.pods.get('default/web-1')!.ip;
    const snat = result.hops.find((hop) => hop.action === 'snat')!;
    expect(snat).toMatchObject({ node: 'minikube-m02', device: endpoint === local ? 'cni0' : 'flannel.1' });
    expect(snat.rule).toBe('KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully');
    expect(result.hops.find((hop) => hop.action === 'deliver')!.packet.l3.src).toBe(endpoint === local ? '10.244.1.1' : '10.244.1.0');
    // An unused port on the node is refused by the node itself.
    expect(trace(state, { from: { ip: '203.0.113.7' }, to: { ip: m02.ip }, port: 30081, protocol: 'TCP' }).verdict).toBe('refused');
  });

  it('a flushed node: the ClusterIP is not translated, the trace drops naming the flush event and when kube-proxy restores it', () => {
    const state = lab('1.26');
    applyCommand(state, { type: 'iptables', node: 'minikube', args: ['-t', 'nat', '-F'] }, 40_000);
    const flushSeq = state.version;
    const result = trace(state, { from: 'default/client-0', to: 'web.default', port: 8080, protocol: 'TCP' }, { now: 45_000 });
    expect(result.verdict).toBe('dropped');
    const drop = result.hops.at(-1)!;
    expect(drop).toMatchObject({ node: 'minikube', layer: 'iptables', action: 'drop', causedBy: flushSeq, rule: 'KUBE-SERVICES (missing: default/web cluster IP)' });
    expect(result.reason).toBe(`no KUBE-SERVICES rule for default/web on minikube since \`iptables -t nat -F\` (event ${flushSeq})`);
    expect(result.explanation).toContain('kube-proxy 1.26 rewrites every rule on each full sync every 30s: the rules come back at ');
    const comeBack = /come back at (\d\d):(\d\d)/.exec(result.explanation)!;
    const restoredAt = (Number(comeBack[1]) * 60 + Number(comeBack[2])) * 1000;
    expect(restoredAt).toBeGreaterThan(45_000);
    // A Service without endpoints never had a nat rule: the intact filter table still refuses it.
    applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'empty', selector: { app: 'none' }, ports: [{ port: 80 }] } }, 41_000);
    expect(trace(state, { from: 'default/client-0', to: 'empty.default', port: 80, protocol: 'TCP' }, { now: 45_000 }).verdict).toBe('refused');
    // Another node's tables are intact; after kube-proxy's sync this node delivers again.
    expect(trace(state, { from: { node: 'minikube-m02' }, to: 'web.default', port: 8080, protocol: 'TCP' }, { now: 45_000 }).verdict).not.toBe('dropped');
    expect(trace(state, { from: 'default/client-0', to: 'web.default', port: 8080, protocol: 'TCP' }, { now: restoredAt }).verdict).toBe('delivered');
  });

  it('kube-proxy 1.28+ after a flush: its partial syncs leave the PREROUTING jump out, so the Service stays dropped until a restart', () => {
    const state = lab('1.28+');
    applyCommand(state, { type: 'iptables', node: 'minikube', args: ['-t', 'nat', '-F'] }, 40_000);
    const flushSeq = state.version;
    const request = { from: 'default/client-0', to: 'web.default', port: 8080, protocol: 'TCP' as const };
    const flushed = trace(state, request, { now: 45_000 });
    expect(flushed.verdict).toBe('dropped');
    expect(flushed.explanation).toContain('kube-proxy 1.28+ does not notice a flush');
    // A Service change makes kube-proxy sync partially: the KUBE-* chains return, the jump from PREROUTING does not.
    runPod(state, 'web-3', 'nginx', 'minikube-m02', { app: 'web' });
    const partial = trace(state, request, { now: 120_000 });
    expect(partial.verdict).toBe('dropped');
    expect(partial.hops.at(-1)!.causedBy).toBe(flushSeq);
    expect(runNodeIptables(state, 'minikube', ['-t', 'nat', '-S', 'KUBE-SERVICES'], 120_000).stdout).toContain('-j KUBE-SVC-');
    applyCommand(state, { type: 'restartKubeProxy', node: 'minikube' }, 130_000);
    expect(trace(state, request, { now: 140_000 }).verdict).toBe('delivered');
  });

  it('a user REJECT in filter FORWARD refuses and a DROP drops, each naming the iptables event', () => {
    const state = lab();
    const web2 = state.pods.get('default/web-2')!.ip;
    applyCommand(state, { type: 'iptables', node: 'minikube', args: ['-I', 'FORWARD', '-d', web2, '-p', 'tcp', '-j', 'REJECT'] });
    const rejectSeq = state.version;
    const refused = trace(state, { from: 'default/client-0', to: 'default/web-2', port: 80, protocol: 'TCP' });
    expect(refused.verdict).toBe('refused');
    expect(refused.hops.at(-1)).toMatchObject({ node: 'minikube', action: 'reject', causedBy: rejectSeq, rule: `-A FORWARD -d ${web2}/32 -p tcp -j REJECT --reject-with icmp-port-unreachable` });
    applyCommand(state, { type: 'iptables', node: 'minikube', args: ['-I', 'FORWARD', '-d', web2, '-j', 'DROP'] });
    const dropped = trace(state, { from: 'default/client-0', to: 'default/web-2', port: 80, protocol: 'TCP' });
    expect(dropped.verdict).toBe('dropped');
    expect(dropped.hops.at(-1)).toMatchObject({ action: 'drop', causedBy: state.version });
    expect(dropped.hops.at(-1)!.summary).toContain(`\`iptables -I FORWARD -d ${web2} -j DROP\` (event ${state.version})`);
    // br_netfilter: pods bridged on one node meet filter FORWARD too.
    applyCommand(state, { type: 'iptables', node: 'minikube', args: ['-I', 'FORWARD', '-d', state.pods.get('default/web-0')!.ip, '-j', 'DROP'] });
    const bridged = trace(state, { from: 'default/client-0', to: 'default/web-0', port: 80, protocol: 'TCP' });
    expect(bridged.verdict).toBe('dropped');
    expect(bridged.hops.at(-1)).toMatchObject({ node: 'minikube', device: 'cni0', action: 'drop', causedBy: state.version });
  });

  it('iptables -vnL counts traced packets: two traces read 2 packets on the KUBE-SVC and KUBE-SEP rules of the source node', () => {
    const state = lab();
    const request = { from: 'default/client-0', to: 'web.default', port: 8080, protocol: 'TCP' as const };
    const traced = [trace(state, request), trace(state, request)].flatMap((result) => result.traversed);
    const dnat = trace(state, request).hops.find((hop) => hop.action === 'dnat')!.rule!;
    const [svc, sep] = /(KUBE-SVC-\w+) → (KUBE-SEP-\w+)/.exec(dnat)!.slice(1);
    const list = (chain: string, node = 'minikube') => runNodeIptables(state, node, ['-t', 'nat', '-vnL', chain], state.time, traced).stdout;
    expect(list('KUBE-SERVICES')).toMatch(new RegExp(`^ +2 +120 ${svc} `, 'm'));
    expect(list(svc)).toMatch(new RegExp(`^ +2 +120 ${sep} `, 'm'));
    expect(list(sep)).toMatch(/^ +2 +120 DNAT /m);
    expect(list(sep)).toMatch(/^ +0 +0 KUBE-MARK-MASQ /m);
    expect(list('PREROUTING')).toMatch(/^ +2 +120 KUBE-SERVICES /m);
    expect(list('KUBE-SERVICES', 'minikube-m02')).toMatch(new RegExp(`^ +0 +0 ${svc} `, 'm'));
    expect(runNodeIptables(state, 'minikube', ['-t', 'nat', '-vnL', svc], state.time).stdout).toMatch(new RegExp(`^ +0 +0 ${sep} `, 'm'));
  });
});

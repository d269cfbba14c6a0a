import type { ClusterSpecInput } from '@hoplab/events';
import { enforcesNetworkPolicy } from '../netpol';
import { applyCommand } from '../model/apply';
import { initialState } from '../model/state';
import { nodeOverlaySource, pluginDatapath, podGatewayMac } from './plugin-datapath';

function lab(cni: ClusterSpecInput['cni']) {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'dp', cluster: { cni } });
  applyCommand(state, { type: 'addNode' });
  applyCommand(state, { type: 'createPod', namespace: 'default', name: 'a', containers: [{ name: 'c', image: 'x' }] });
  return state;
}

describe('pluginDatapath: what the tracer needs per plugin', () => {
  it.each([
    [{ plugin: 'flannel' }, 'bridge', 'vxlan', 'UDP', 8472, 1, 1450, false],
    [{ plugin: 'flannel', backend: 'host-gw' }, 'bridge', 'none', null, null, null, 1500, false],
    [{ plugin: 'calico' }, 'proxy-arp', 'ipip', 'IPIP', null, null, 1480, true],
    [{ plugin: 'calico', backend: 'vxlan' }, 'proxy-arp', 'vxlan', 'UDP', 4789, 4096, 1450, true],
    [{ plugin: 'calico', backend: 'bgp' }, 'proxy-arp', 'none', null, null, null, 1500, true],
    [{ plugin: 'weave' }, 'flat-l2', 'vxlan', 'UDP', 6784, null, 1376, true],
    [{ plugin: 'weave', backend: 'sleeve' }, 'flat-l2', 'sleeve', 'UDP', 6783, null, 1376, true],
    [{ plugin: 'cilium' }, 'ebpf', 'vxlan', 'UDP', 8472, 'identity', 1450, true],
    [{ plugin: 'cilium', backend: 'native' }, 'ebpf', 'none', null, null, null, 1500, true],
  ] as const)('%j', (cni, firstHop, kind, outerProtocol, port, vni, mtu, enforced) => {
    const facts = pluginDatapath(lab(cni as ClusterSpecInput['cni']));
    expect(facts).toMatchObject({ firstHop, encapsulation: { kind, outerProtocol, port, vni }, podMtu: mtu, policy: { enforced } });
    expect(facts.policy.enforced).toBe(enforcesNetworkPolicy(cni.plugin));
  });

  it('encryption: WireGuard on its UDP port (calico 51820, cilium 51871), weave fastdp IPsec ESP, sleeve NaCl', () => {
    expect(pluginDatapath(lab({ plugin: 'calico', encryption: 'wireguard' })).encryption).toEqual({ kind: 'wireguard', device: 'wireguard.cali', wire: { protocol: 'UDP', port: 51820 } });
    expect(pluginDatapath(lab({ plugin: 'cilium', encryption: 'wireguard' })).encryption).toEqual({ kind: 'wireguard', device: 'cilium_wg0', wire: { protocol: 'UDP', port: 51871 } });
    expect(pluginDatapath(lab({ plugin: 'weave', encryption: 'ipsec' })).encryption).toMatchObject({ kind: 'ipsec', wire: { protocol: 'ESP' } });
    expect(pluginDatapath(lab({ plugin: 'weave', backend: 'sleeve', encryption: 'ipsec' })).encryption).toMatchObject({ kind: 'nacl', wire: { protocol: 'UDP', port: 6783 } });
    expect(pluginDatapath(lab({ plugin: 'calico' })).encryption).toBeNull();
  });

  it('TTLs a 64-TTL ping arrives with, and who resolves Services', () => {
    expect(pluginDatapath(lab({ plugin: 'calico' })).arrivalTtl).toEqual({ crossNode: 62, sameNode: 63 });
    expect(pluginDatapath(lab({ plugin: 'cilium' })).arrivalTtl.crossNode).toBe(63);
    expect(pluginDatapath(lab({ plugin: 'cilium', backend: 'native' })).arrivalTtl.crossNode).toBe(62);
    expect(pluginDatapath(lab({ plugin: 'cilium' })).services).toBe('kube-proxy');
    const cilium = lab({ plugin: 'cilium' });
    expect([...cilium.pods.values()].some((pod) => pod.owner?.name === 'kube-proxy')).toBe(true);
  });

  it('the gateway MAC a pod resolves and the source a node uses towards remote pods', () => {
    const calico = lab({ plugin: 'calico' });
    const pod = calico.pods.get('default/a')!;
    expect(podGatewayMac(calico, pod)).toBe('ee:ee:ee:ee:ee:ee');
    const node = calico.nodes.get('minikube')!;
    expect(nodeOverlaySource(calico, node)).toBe(node.pluginNet!.devices[0].address!.replace('/32', ''));
    const cilium = lab({ plugin: 'cilium' });
    expect(podGatewayMac(cilium, cilium.pods.get('default/a')!)).toBe(cilium.pods.get('default/a')!.vethMac);
    const flannel = lab({ plugin: 'flannel' });
    expect(podGatewayMac(flannel, flannel.pods.get('default/a')!)).toBe(flannel.nodes.get('minikube')!.bridge!.mac);
    expect(nodeOverlaySource(flannel, flannel.nodes.get('minikube')!)).toBe('10.244.0.0');
  });
});

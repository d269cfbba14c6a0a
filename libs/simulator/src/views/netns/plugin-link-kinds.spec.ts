import type { ClusterSpecInput } from '@hoplab/events';
import { applyCommand } from '../../model/apply';
import { terminal, testLab } from '../../shell/test-lab';

/** `ip -d link show <dev>` on a plugin's node, iproute2 6.1 (Kubernetes 1.28+ labs: Debian 12's kicbase). */
function details(cni: ClusterSpecInput['cni'], device: string): string[] {
  const state = testLab({ cni, kubeProxy: { version: '1.28+' } }, 1);
  applyCommand(state, { type: 'createPod', namespace: 'default', name: 'p', nodeName: 'minikube', containers: [{ name: 'c', image: 'busybox' }] });
  const output = terminal(state).run(`minikube ssh -- ip -d link show ${device}`).output;
  expect(output.stderr).toBe('');
  return output.stdout.split('\n').slice(1, -1);
}

const tail = (addrgenmode: string, tso: number) => `addrgenmode ${addrgenmode} numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size ${tso} tso_max_segs 65535 gro_max_size 65536 `;

describe('ip -d link: the kind lines of the plugins’ devices', () => {
  it("calico's tunl0: the ipip module's fallback device (link/ipip, no MTU limits, any/any, ttl inherit, nopmtudisc)", () => {
    // OBS (iproute2 5.x, tunl0 of a node with the ipip module): `ipip any remote any local any ttl inherit nopmtudisc`, `minmtu 0 maxmtu 0`.
    expect(details({ plugin: 'calico', backend: 'ipip' }, 'tunl0')).toEqual([
      '    link/ipip 0.0.0.0 brd 0.0.0.0 promiscuity 0  allmulti 0 minmtu 0 maxmtu 0 ',
      `    ipip any remote any local any ttl inherit nopmtudisc ${tail('eui64', 65536)}`,
    ]);
  });

  it('WireGuard devices (wireguard.cali, cilium_wg0): link/none, maxmtu 2147483552, addrgenmode none', () => {
    for (const [cni, device] of [[{ plugin: 'calico', encryption: 'wireguard' }, 'wireguard.cali'], [{ plugin: 'cilium', encryption: 'wireguard' }, 'cilium_wg0']] as const) {
      expect(details(cni, device)).toEqual(['    link/none  promiscuity 0  allmulti 0 minmtu 0 maxmtu 2147483552 ', `    wireguard ${tail('none', 65536)}`]);
    }
  });

  it("weave fastdp: the Open vSwitch datapath, its vxlan-6784 vport and vethwe-datapath are openvswitch / openvswitch_slave, vethwe-bridge a bridge port", () => {
    const weave = { plugin: 'weave', backend: 'fastdp' } as const;
    const datapath = details(weave, 'datapath');
    expect(datapath[0]).toMatch(/^ {4}link\/ether [0-9a-f:]{17} brd ff:ff:ff:ff:ff:ff promiscuity 1 {2}allmulti 0 minmtu 68 maxmtu 65535 $/);
    expect(datapath[1]).toBe(`    openvswitch ${tail('eui64', 65536)}`);
    const vport = details(weave, 'vxlan-6784');
    expect(vport[0]).toMatch(/promiscuity 1 {2}allmulti 0 minmtu 68 maxmtu 65535 $/);
    // An external VXLAN on 6784 as kernel 6.18 + iproute2 6.1 print it (checked here with `ip link add … type vxlan external dstport 6784`), except
    // udp6zerocsumrx, which the OVS module sets on its vports (OBS: vxlan_sys_4789 of an OVS node).
    expect(vport.slice(1)).toEqual(['    vxlan external id 0 srcport 0 0 dstport 6784 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx udp6zerocsumrx ', `    openvswitch_slave ${tail('eui64', 524280)}`]);
    expect(details(weave, 'vethwe-datapath').slice(1)).toEqual(['    veth ', `    openvswitch_slave ${tail('eui64', 524280)}`]);
    const bridgePort = details(weave, 'vethwe-bridge');
    expect(bridgePort[0]).toMatch(/promiscuity 1 {2}allmulti 1 /);
    expect(bridgePort[2]).toMatch(/^ {4}bridge_slave state forwarding /);
  });
});

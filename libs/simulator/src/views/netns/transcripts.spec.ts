import { transcript } from '../golden/golden-text';
import { arpN } from './arp';
import { bridgeFdb } from './bridge-fdb';
import { ipAddr, ipLink } from './ip-addr';
import { ipNeigh } from './ip-neigh';
import { ipRoute } from './ip-route';
import { routeN } from './route-n';
import {
  calicoNode,
  calicoPod,
  flannelNode,
  flannelNode1AfterPing,
  flannelPod,
  otherPluginDevices,
} from './transcript-fixtures';

const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
const single = (title: string) => transcript('flannel-node-single', title);

describe('netns renderers reproduce the reference captures (iproute2 6.1, net-tools)', () => {
  describe('flannel pod', () => {
    it('ip a', () => expect(ipAddr(flannelPod())).toEqual(ok(single('POD ip a'))));
    it('ip route', () => expect(ipRoute(flannelPod())).toEqual(ok(single('POD ip route'))));
    it('route -n', () => expect(routeN(flannelPod())).toEqual(ok(single('POD route -n'))));
  });

  describe('flannel node', () => {
    it('ip a', () => expect(ipAddr(flannelNode())).toEqual(ok(single('NODE ip a'))));
    it('ip -details link show flannel.1', () =>
      expect(ipLink(flannelNode(), { dev: 'flannel.1', details: true })).toEqual(ok(single('NODE ip -details link show flannel.1'))));
    it('ip -d addr show flannel.1 (no addrgenmode outside ip link)', () =>
      expect(ipAddr(flannelNode(), { dev: 'flannel.1', details: true })).toEqual(ok(single('NODE ip -d addr show flannel.1'))));
    it('ip route', () => expect(ipRoute(flannelNode())).toEqual(ok(single('NODE ip route'))));
    it('route -n', () => expect(routeN(flannelNode())).toEqual(ok(single('NODE route -n'))));
    it('ip neigh', () => expect(ipNeigh(flannelNode())).toEqual(ok(single('NODE ip neigh'))));
    it('arp -n', () => expect(arpN(flannelNode())).toEqual(ok(single('NODE arp -n'))));
    it('bridge fdb show', () => expect(bridgeFdb(flannelNode())).toEqual(ok(single('NODE bridge fdb show'))));
    it('bridge fdb show dev flannel.1', () =>
      expect(bridgeFdb(flannelNode(), { dev: 'flannel.1' })).toEqual(ok(single('NODE bridge fdb show dev flannel.1'))));
    it('ip -d link show cni0 (kernel timers given as in the capture)', () =>
      expect(ipLink(flannelNode(), { dev: 'cni0', details: true, timers: { bridgeGc: 298.68 } })).toEqual(
        ok(single('NODE ip -d link show cni0')),
      ));
    it('ip -d link show veth (bridge port details)', () =>
      expect(ipLink(flannelNode(), { dev: 'veth4bea4427', details: true, timers: { portForwardDelay: 13.95 } })).toEqual(
        ok(single('NODE ip -d link show veth')),
      ));
  });

  describe('flannel node after a cross-node ping', () => {
    const two = (title: string) => transcript('flannel-two-nodes', title);
    it('ip neigh', () => expect(ipNeigh(flannelNode1AfterPing())).toEqual(ok(two('node1 ip neigh'))));
    it('arp -n', () => expect(arpN(flannelNode1AfterPing())).toEqual(ok(two('node1 arp -n'))));
    it('bridge fdb show br cni0', () =>
      expect(bridgeFdb(flannelNode1AfterPing(), { br: 'cni0' })).toEqual(ok(two('node1 bridge fdb show br cni0'))));
  });

  describe('calico', () => {
    const calico = (title: string) => transcript('calico-bgp-and-telnet', title);
    it('pod ip a (/32 without broadcast)', () => expect(ipAddr(calicoPod())).toEqual(ok(calico('calico pod ip a'))));
    it('pod ip route (/32 printed without prefix)', () => expect(ipRoute(calicoPod())).toEqual(ok(calico('calico pod ip route'))));
    it('pod route -n (UH host route)', () => expect(routeN(calicoPod())).toEqual(ok(calico('calico pod route -n'))));
    it('pod ip neigh', () => expect(ipNeigh(calicoPod())).toEqual(ok(calico('calico pod ip neigh'))));
    it('node ip route (blackhole, proto bird)', () => expect(ipRoute(calicoNode())).toEqual(ok(calico('calico node ip route'))));
    it('node route -n (blackhole on *)', () => expect(routeN(calicoNode())).toEqual(ok(calico('calico node route -n'))));
    it('node ip a show cali…', () =>
      expect(ipAddr(calicoNode(), { dev: 'cali1b6540bf07c' })).toEqual(ok(calico('calico node ip a show cali'))));
    it('node ip neigh', () => expect(ipNeigh(calicoNode())).toEqual(ok(calico('calico node ip neigh'))));
  });

  describe('other plugins', () => {
    const devices = (title: string) => transcript('cilium-calico-weave-devices', title);
    it('cilium_host@cilium_net: a veth peer in the same namespace is named', () =>
      expect(ipAddr({ ...otherPluginDevices(), interfaces: otherPluginDevices().interfaces.slice(0, 2) })).toEqual(
        ok(devices('cilium_host/net')),
      ));
    it('ip -d link show vxlan.calico', () =>
      expect(ipLink(otherPluginDevices(), { dev: 'vxlan.calico', details: true })).toEqual(ok(devices('vxlan.calico'))));
    it('ip a show weave', () => expect(ipAddr(otherPluginDevices(), { dev: 'weave' })).toEqual(ok(devices('weave'))));
  });
});

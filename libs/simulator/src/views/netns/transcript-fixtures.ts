import type { NetInterface, NetNamespace } from '../../netns/types';

/** Namespaces built by hand from reference/transcripts (same MACs, indices, addresses). */

const up = ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'];

function iface(partial: Pick<NetInterface, 'index' | 'name' | 'kind' | 'mac' | 'mtu'> & Partial<NetInterface>): NetInterface {
  return { flags: up, qdisc: 'noqueue', state: 'UP', qlen: 1000, addresses: [], ...partial };
}

const lo = iface({
  index: 1,
  name: 'lo',
  kind: 'loopback',
  mac: '00:00:00:00:00:00',
  mtu: 65536,
  flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
  state: 'UNKNOWN',
  addresses: [{ cidr: '127.0.0.1/8', scope: 'host' }],
  addresses6: [{ cidr: '::1/128', scope: 'host' }],
});

/** flannel-node-single.txt: the pod 10.244.1.2 on node 192.168.49.3. */
export function flannelPod(): NetNamespace {
  return {
    interfaces: [
      lo,
      iface({
        index: 6,
        name: 'eth0',
        kind: 'veth',
        mac: '0e:f2:50:7b:1a:f3',
        mtu: 1450,
        peerIndex: 7,
        linkNetnsId: 0,
        addresses: [{ cidr: '10.244.1.2/24', broadcast: '10.244.1.255', scope: 'global' }],
        addresses6: [{ cidr: 'fe80::cf2:50ff:fe7b:1af3/64', scope: 'link', flags: ['tentative'] }],
      }),
    ],
    routes: [
      { dst: '10.244.1.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '10.244.1.2' },
      { dst: 'default', via: '10.244.1.1', dev: 'eth0' },
      { dst: '10.244.0.0/16', via: '10.244.1.1', dev: 'eth0' },
    ],
    neighbours: [],
    fdb: [],
  };
}

/** flannel-node-single.txt: the node 192.168.49.3 (podCIDR 10.244.1.0/24) of a 3-node vxlan cluster. */
export function flannelNode(): NetNamespace {
  const self = (mac: string, dev: string) => ({ mac, dev, self: true, state: 'permanent' as const });
  return {
    interfaces: [
      lo,
      iface({
        index: 3,
        name: 'eth0',
        kind: 'veth',
        mac: '02:42:c0:a8:31:03',
        mtu: 1500,
        peerIndex: 2,
        linkNetnsId: 0,
        addresses: [{ cidr: '192.168.49.3/24', broadcast: '192.168.49.255', scope: 'global' }],
        addresses6: [{ cidr: 'fe80::42:c0ff:fea8:3103/64', scope: 'link', flags: ['tentative'] }],
      }),
      iface({
        index: 4,
        name: 'flannel.1',
        kind: 'vxlan',
        mac: 'a6:c0:b3:5f:86:71',
        mtu: 1450,
        state: 'UNKNOWN',
        addresses: [{ cidr: '10.244.1.0/32', scope: 'global' }],
        addresses6: [{ cidr: 'fe80::a4c0:b3ff:fe5f:8671/64', scope: 'link' }],
        vxlan: { id: 1, local: '192.168.49.3', dev: 'eth0', port: 8472, learning: false, ageing: 300 },
      }),
      iface({
        index: 5,
        name: 'cni0',
        kind: 'bridge',
        mac: 'a6:ac:69:8e:5a:ed',
        mtu: 1450,
        addresses: [{ cidr: '10.244.1.1/24', broadcast: '10.244.1.255', scope: 'global' }],
        addresses6: [{ cidr: 'fe80::1c47:fcff:fe4e:22ca/64', scope: 'link' }],
      }),
      iface({
        index: 7,
        name: 'veth4bea4427',
        kind: 'veth',
        mac: 'a6:ac:69:8e:5a:ed',
        mtu: 1450,
        master: 'cni0',
        peerIndex: 6,
        linkNetnsId: 1,
        txQueues: 2,
        addresses6: [{ cidr: 'fe80::a4ac:69ff:fe8e:5aed/64', scope: 'link', flags: ['tentative'] }],
      }),
    ],
    routes: [
      { dst: '192.168.49.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '192.168.49.3' },
      { dst: '10.244.2.0/24', via: '10.244.2.0', dev: 'flannel.1', onlink: true },
      { dst: '10.244.1.0/24', dev: 'cni0', proto: 'kernel', scope: 'link', src: '10.244.1.1' },
      { dst: '10.244.0.0/24', via: '10.244.0.0', dev: 'flannel.1', onlink: true },
      { dst: 'default', via: '192.168.49.1', dev: 'eth0' },
    ],
    neighbours: [
      { ip: '10.244.0.0', dev: 'flannel.1', mac: 'e6:7d:c5:e2:80:1a', state: 'PERMANENT' },
      { ip: '10.244.2.0', dev: 'flannel.1', mac: '3a:bb:55:60:be:4e', state: 'PERMANENT' },
    ],
    fdb: [
      self('33:33:00:00:00:01', 'eth0'),
      self('01:00:5e:00:00:01', 'eth0'),
      self('33:33:ff:a8:31:03', 'eth0'),
      { mac: '3a:bb:55:60:be:4e', dev: 'flannel.1', dst: '192.168.49.4', self: true, state: 'permanent' },
      { mac: 'e6:7d:c5:e2:80:1a', dev: 'flannel.1', dst: '192.168.49.2', self: true, state: 'permanent' },
      self('33:33:00:00:00:01', 'cni0'),
      self('01:00:5e:00:00:6a', 'cni0'),
      self('33:33:00:00:00:6a', 'cni0'),
      self('01:00:5e:00:00:01', 'cni0'),
      self('33:33:ff:4e:22:ca', 'cni0'),
      { mac: '0e:f2:50:7b:1a:f3', dev: 'veth4bea4427', master: 'cni0', state: '' },
      { mac: 'a6:ac:69:8e:5a:ed', dev: 'veth4bea4427', master: 'cni0', state: 'permanent' },
      self('33:33:00:00:00:01', 'veth4bea4427'),
      self('01:00:5e:00:00:01', 'veth4bea4427'),
      self('33:33:ff:8e:5a:ed', 'veth4bea4427'),
    ],
  };
}

/** flannel-two-nodes.txt: node1 (192.168.49.2) after a cross-node ping. */
export function flannelNode1AfterPing(): NetNamespace {
  return {
    interfaces: [
      lo,
      iface({ index: 3, name: 'eth0', kind: 'veth', mac: '4a:4a:24:1b:c8:1a', mtu: 1500, peerIndex: 2, linkNetnsId: 0 }),
      iface({ index: 4, name: 'flannel.1', kind: 'vxlan', mac: 'e6:7d:c5:e2:80:1a', mtu: 1450, state: 'UNKNOWN' }),
      iface({ index: 5, name: 'cni0', kind: 'bridge', mac: 'b6:db:31:3e:ab:02', mtu: 1450 }),
      iface({ index: 6, name: 'veth93549b9a', kind: 'veth', mac: 'b6:db:31:3e:ab:02', mtu: 1450, master: 'cni0', peerIndex: 5, linkNetnsId: 1 }),
    ],
    routes: [],
    neighbours: [
      { ip: '10.244.1.0', dev: 'flannel.1', mac: '3a:bb:55:60:be:4e', state: 'PERMANENT' },
      { ip: '10.244.0.5', dev: 'cni0', mac: '3e:aa:20:ba:bf:23', state: 'DELAY' },
      { ip: '192.168.49.3', dev: 'eth0', mac: 'f6:8d:a5:35:68:e4', state: 'REACHABLE' },
    ],
    fdb: [
      { mac: 'f6:8d:a5:35:68:e4', dev: 'eth0', state: '' },
      { mac: '3a:bb:55:60:be:4e', dev: 'flannel.1', dst: '192.168.49.3', self: true, state: 'permanent' },
      { mac: '33:33:00:00:00:01', dev: 'cni0', self: true, state: 'permanent' },
      { mac: '01:00:5e:00:00:6a', dev: 'cni0', self: true, state: 'permanent' },
      { mac: '33:33:00:00:00:6a', dev: 'cni0', self: true, state: 'permanent' },
      { mac: '01:00:5e:00:00:01', dev: 'cni0', self: true, state: 'permanent' },
      { mac: '33:33:ff:98:34:c2', dev: 'cni0', self: true, state: 'permanent' },
      { mac: '3e:aa:20:ba:bf:23', dev: 'veth93549b9a', master: 'cni0', state: '' },
      { mac: 'b6:db:31:3e:ab:02', dev: 'veth93549b9a', master: 'cni0', state: 'permanent' },
      { mac: '33:33:00:00:00:01', dev: 'veth93549b9a', self: true, state: 'permanent' },
      { mac: '01:00:5e:00:00:01', dev: 'veth93549b9a', self: true, state: 'permanent' },
      { mac: '33:33:ff:3e:ab:02', dev: 'veth93549b9a', self: true, state: 'permanent' },
    ],
  };
}

/** calico-bgp-and-telnet.txt: a calico pod (/32, link-local gateway) and its node (BGP, no encap). */
export function calicoPod(): NetNamespace {
  return {
    interfaces: [
      lo,
      iface({
        index: 2,
        name: 'eth0',
        kind: 'veth',
        mac: 'b6:9a:30:71:77:f2',
        mtu: 1500,
        peerIndex: 4,
        linkNetnsId: 0,
        addresses: [{ cidr: '10.244.120.65/32', scope: 'global' }],
        addresses6: [{ cidr: 'fe80::b49a:30ff:fe71:77f2/64', scope: 'link' }],
      }),
    ],
    routes: [
      { dst: 'default', via: '169.254.1.1', dev: 'eth0' },
      { dst: '169.254.1.1/32', dev: 'eth0', scope: 'link' },
    ],
    neighbours: [{ ip: '169.254.1.1', dev: 'eth0', mac: 'ee:ee:ee:ee:ee:ee', state: 'REACHABLE' }],
    fdb: [],
  };
}

export function calicoNode(): NetNamespace {
  return {
    interfaces: [
      lo,
      iface({
        index: 4,
        name: 'cali1b6540bf07c',
        kind: 'veth',
        mac: 'ee:ee:ee:ee:ee:ee',
        mtu: 1500,
        peerIndex: 2,
        linkNetnsId: 1,
        addresses6: [{ cidr: 'fe80::ecee:eeff:feee:eeee/64', scope: 'link' }],
      }),
    ],
    routes: [
      { dst: '10.244.205.192/26', via: '192.168.49.3', dev: 'eth0', proto: 'bird' },
      { dst: '10.244.120.65/32', dev: 'cali1b6540bf07c', scope: 'link' },
      { dst: '192.168.49.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '192.168.49.2' },
      { dst: '10.244.120.64/26', dev: '', type: 'blackhole', proto: 'bird' },
      { dst: 'default', via: '192.168.49.1', dev: 'eth0' },
    ],
    neighbours: [
      { ip: '10.244.120.65', dev: 'cali1b6540bf07c', mac: 'b6:9a:30:71:77:f2', state: 'DELAY' },
      { ip: '192.168.49.3', dev: 'eth0', mac: 'ea:dc:dd:ea:e2:15', state: 'REACHABLE' },
    ],
    fdb: [],
  };
}

/** cilium-calico-weave-devices.txt: devices other plugins create. */
export function otherPluginDevices(): NetNamespace {
  const noarp = ['BROADCAST', 'MULTICAST', 'NOARP', 'UP', 'LOWER_UP'];
  return {
    interfaces: [
      iface({ index: 5, name: 'cilium_net', kind: 'veth', mac: '16:a7:3c:ed:56:94', mtu: 1500, flags: noarp, peerIndex: 6,
        addresses6: [{ cidr: 'fe80::14a7:3cff:feed:5694/64', scope: 'link' }] }),
      iface({ index: 6, name: 'cilium_host', kind: 'veth', mac: '6e:20:24:d1:b8:a4', mtu: 1500, flags: noarp, peerIndex: 5,
        addresses: [{ cidr: '10.244.0.139/32', scope: 'global' }],
        addresses6: [{ cidr: 'fe80::6c20:24ff:fed1:b8a4/64', scope: 'link' }] }),
      iface({ index: 7, name: 'vxlan.calico', kind: 'vxlan', mac: 'da:eb:d2:b8:0f:1d', mtu: 1450, state: 'UNKNOWN',
        vxlan: { id: 4096, local: '192.168.49.2', dev: 'eth0', port: 4789, learning: false, ageing: 300 } }),
      iface({ index: 8, name: 'weave', kind: 'bridge', mac: 'ba:1b:2f:49:3d:c2', mtu: 1376, state: 'UNKNOWN',
        addresses: [{ cidr: '10.32.0.1/12', scope: 'global' }],
        addresses6: [{ cidr: 'fe80::b81b:2fff:fe49:3dc2/64', scope: 'link', flags: ['tentative'] }] }),
    ],
    routes: [
      { dst: '10.32.0.0/12', dev: 'weave', proto: 'kernel', scope: 'link', src: '10.32.0.1' },
      { dst: '192.168.49.0/24', dev: 'eth0', proto: 'kernel', scope: 'link', src: '192.168.49.2', linkdown: true },
    ],
    neighbours: [],
    fdb: [],
  };
}

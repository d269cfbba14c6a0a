import { seedBlock } from '../golden/golden-text';
import { arpN } from './arp';
import { bridgeFdb } from './bridge-fdb';
import { ipAddr, ipLink } from './ip-addr';
import { ipNeigh } from './ip-neigh';
import { ipRoute, kernelOrder } from './ip-route';
import { routeN } from './route-n';
import { flannelNode } from './transcript-fixtures';
import type { NetNamespace } from '../../netns/types';

function seedWorker(): NetNamespace {
  const ns = flannelNode();
  const flannel = ns.interfaces.find((i) => i.name === 'flannel.1')!;
  Object.assign(flannel, {
    index: 5,
    mac: 'ca:55:df:00:ee:8d',
    qlen: undefined,
    addresses6: undefined,
    vxlan: { ...flannel.vxlan!, local: '192.168.67.3' },
  });
  return ns;
}

describe('ip addr / ip link', () => {
  it('prints "group default " with its trailing space when the device has no queue length (the seed)', () => {
    const expected = seedBlock('root@minikube-m02:/# ip a');
    expect(ipAddr(seedWorker(), { dev: 'flannel.1' }).stdout).toBe(expected);
  });

  it("reproduces the seed's `ip -details link show flannel.1` in the iproute2 5.5 layout", () => {
    const [header, link, vxlan] = seedBlock('ip -details link show flannel.1').split('\n');
    const lines = ipLink(seedWorker(), { dev: 'flannel.1', details: true, layout: '5.5' }).stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([header, link]);
    // the seed lost the final blank of the line when pasted; iproute2 ends every option with one
    expect(lines[2]).toBe(vxlan + ' ');
    expect(lines).toHaveLength(4);
  });

  it('ip link lists every interface by index with mode DEFAULT and no addresses', () => {
    const out = ipLink(flannelNode()).stdout;
    expect(out.split('\n').filter((l) => /^\d+: /.test(l)).map((l) => l.split(':')[1].trim())).toEqual([
      'lo',
      'eth0@if2',
      'flannel.1',
      'cni0',
      'veth4bea4427@if6',
    ]);
    expect(out).toContain('4: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\n');
    expect(out).not.toContain('inet');
  });

  it('answers an unknown device as iproute2 does', () => {
    const missing = { stdout: '', stderr: 'Device "cni0" does not exist.\n', exitCode: 1 };
    const ns = flannelNode();
    ns.interfaces = ns.interfaces.filter((i) => i.name !== 'cni0');
    expect(ipAddr(ns, { dev: 'cni0' })).toEqual(missing);
    expect(ipLink(ns, { dev: 'cni0', details: true })).toEqual(missing);
  });

  it('prints a down bridge without carrier and a tunnel without a peer as @NONE', () => {
    const ns: NetNamespace = {
      interfaces: [
        { index: 2, name: 'tunl0', kind: 'ipip', mac: '', mtu: 1480, flags: ['NOARP'], qdisc: 'noop', state: 'DOWN', qlen: 1000, peerIndex: 0, addresses: [] },
        { index: 3, name: 'cni0', kind: 'bridge', mac: '8a:1e:00:00:00:01', mtu: 1500, flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'], qdisc: 'noqueue', state: 'DOWN', qlen: 1000, addresses: [] },
      ],
      routes: [],
      neighbours: [],
      fdb: [],
    };
    expect(ipAddr(ns).stdout).toBe(
      '2: tunl0@NONE: <NOARP> mtu 1480 qdisc noop state DOWN group default qlen 1000\n' +
        '    link/ipip 0.0.0.0 brd 0.0.0.0\n' +
        '3: cni0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN group default qlen 1000\n' +
        '    link/ether 8a:1e:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n',
    );
  });
});

describe('routes', () => {
  it('orders like the kernel: by destination, the longer prefix first for the same address', () => {
    const order = kernelOrder([
      { dst: '10.0.0.0/8', dev: 'a' },
      { dst: '192.168.0.0/16', dev: 'a' },
      { dst: '10.0.0.0/24', dev: 'a' },
      { dst: 'default', dev: 'a' },
      { dst: '9.255.255.255/32', dev: 'a' },
    ]).map((r) => r.dst);
    expect(order).toEqual(['default', '9.255.255.255/32', '10.0.0.0/24', '10.0.0.0/8', '192.168.0.0/16']);
  });

  it('prints metrics in both tools, and a route -n host route with its H flag', () => {
    const ns: NetNamespace = {
      interfaces: [],
      routes: [
        { dst: 'default', via: '10.0.0.1', dev: 'eth0', proto: 'dhcp', src: '10.0.0.4', metric: 100 },
        { dst: '10.0.0.1/32', dev: 'eth0', proto: 'dhcp', scope: 'link', src: '10.0.0.4', metric: 100 },
      ],
      neighbours: [],
      fdb: [],
    };
    expect(ipRoute(ns).stdout).toBe(
      'default via 10.0.0.1 dev eth0 proto dhcp src 10.0.0.4 metric 100 \n' +
        '10.0.0.1 dev eth0 proto dhcp scope link src 10.0.0.4 metric 100 \n',
    );
    expect(routeN(ns).stdout.split('\n').slice(2)).toEqual([
      '0.0.0.0         10.0.0.1        0.0.0.0         UG    100    0        0 eth0',
      '10.0.0.1        0.0.0.0         255.255.255.255 UH    100    0        0 eth0',
      '',
    ]);
  });

  it('route -n on an empty table prints only the header', () => {
    expect(routeN({ interfaces: [], routes: [], neighbours: [], fdb: [] }).stdout).toBe(
      'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n',
    );
  });
});

describe('neighbours', () => {
  const ns: NetNamespace = {
    interfaces: [],
    routes: [],
    neighbours: [
      { ip: '10.244.0.7', dev: 'cni0', state: 'INCOMPLETE' },
      { ip: '10.244.0.1', dev: 'eth0', mac: 'b6:db:31:3e:ab:02', router: true, state: 'STALE' },
      { ip: '10.244.0.9', dev: 'cni0', state: 'FAILED' },
      { ip: '224.0.0.22', dev: 'eth0', mac: '01:00:5e:00:00:16', state: 'NOARP' },
    ],
    fdb: [],
  };

  it('ip neigh prints entries without a link-layer address, router flags and NOARP entries', () => {
    expect(ipNeigh(ns).stdout).toBe(
      '10.244.0.7 dev cni0 INCOMPLETE \n' +
        '10.244.0.1 dev eth0 lladdr b6:db:31:3e:ab:02 router STALE \n' +
        '10.244.0.9 dev cni0 FAILED \n' +
        '224.0.0.22 dev eth0 lladdr 01:00:5e:00:00:16 NOARP \n',
    );
  });

  it('ip neigh show dev X drops the dev token', () => {
    expect(ipNeigh(ns, { dev: 'eth0' }).stdout).toBe(
      '10.244.0.1 lladdr b6:db:31:3e:ab:02 router STALE \n224.0.0.22 lladdr 01:00:5e:00:00:16 NOARP \n',
    );
  });

  it('arp -n shows unresolved entries as (incomplete) and skips NOARP ones', () => {
    expect(arpN(ns).stdout.split('\n')).toEqual([
      'Address                  HWtype  HWaddress           Flags Mask            Iface',
      '10.244.0.7                       (incomplete)                              cni0',
      '10.244.0.1               ether   b6:db:31:3e:ab:02   C                     eth0',
      '10.244.0.9                       (incomplete)                              cni0',
      '',
    ]);
  });

  it('arp -n prints nothing for an empty table', () => {
    expect(arpN({ interfaces: [], routes: [], neighbours: [], fdb: [] }).stdout).toBe('');
  });
});

describe('bridge fdb', () => {
  it('refuses an unknown device like bridge(8)', () => {
    expect(bridgeFdb(flannelNode(), { dev: 'cbr0' })).toEqual({ stdout: '', stderr: 'Cannot find device "cbr0"\n', exitCode: 255 });
    expect(bridgeFdb(flannelNode(), { br: 'cbr0' }).exitCode).toBe(255);
  });
});

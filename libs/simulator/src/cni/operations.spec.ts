import { applyCommand } from '../model/apply';
import { initialState } from '../model/state';
import { Prng } from '../net/prng';
import { cniAdd, cniCheck, cniDel, cniVersion, podCniRequest } from './operations';

function labWithPod() {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'cni' });
  applyCommand(state, { type: 'addNode' });
  applyCommand(state, { type: 'addNode' });
  applyCommand(state, { type: 'createPod', namespace: 'default', name: 'web', nodeName: 'minikube-m02', containers: [{ name: 'c', image: 'nginx' }] });
  return { state, node: state.nodes.get('minikube-m02')!, web: state.pods.get('default/web')! };
}

describe('CNI operations', () => {
  it('given a pod creation, when the runtime runs ADD, then the call holds the spec inputs and the bridge result', () => {
    const { node, web } = labWithPod();
    const add = node.cniLog.at(-1)!.call;
    expect(add).toMatchObject({
      plugin: 'flannel',
      command: 'ADD',
      containerId: web.containerId,
      ifName: 'eth0',
      path: '/opt/cni/bin',
      stdin: { cniVersion: '0.3.1', name: 'cbr0', type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
      exitCode: 0,
    });
    expect(add.netns).toMatch(/^\/proc\/\d+\/ns\/net$/);
    expect(add.args).toBe(`IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=${web.containerId};K8S_POD_UID=${web.uid}`);
    expect(add.stdout).toEqual({
      cniVersion: '0.3.1',
      interfaces: [
        { name: 'cni0', mac: node.bridge!.mac },
        { name: web.vethName, mac: web.vethMac },
        { name: 'eth0', mac: web.mac, sandbox: add.netns },
      ],
      ips: [{ version: '4', interface: 2, address: '10.244.1.2/24', gateway: '10.244.1.1' }],
      routes: [{ dst: '0.0.0.0/0', gw: '10.244.1.1' }, { dst: '10.244.0.0/16' }],
      dns: {},
    });
    expect(web.containerId).toMatch(/^[0-9a-f]{64}$/);
    expect(web.vethName).toMatch(/^veth[0-9a-f]{8}$/);
  });

  it('given an attached container, when ADD runs again for the same id and ifname, then it fails with the bridge plugin error', () => {
    const { state, node, web } = labWithPod();
    const outcome = cniAdd(state, node, podCniRequest(web, web.containerId!, web.netns!), new Prng('again'));
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.call).toMatchObject({
      exitCode: 1,
      stdout: { cniVersion: '0.3.1', code: 999, msg: 'container veth name provided (eth0) already exists' },
    });
  });

  it('given an unknown container, when DEL runs (twice), then it succeeds and prints nothing', () => {
    const { state, node } = labWithPod();
    const request = { containerId: 'f'.repeat(64), netns: '', ifName: 'eth0', args: '' };
    for (let i = 0; i < 2; i++) expect(cniDel(state, node, request)).toMatchObject({ command: 'DEL', exitCode: 0, stdout: null });
  });

  it('given an attachment, when CHECK runs, then it passes; for an unknown container it fails with code 3', () => {
    const { state, node, web } = labWithPod();
    expect(cniCheck(state, node, podCniRequest(web, web.containerId!, web.netns!))).toMatchObject({ command: 'CHECK', exitCode: 0, stdout: null });
    expect(cniCheck(state, node, { containerId: 'abc', netns: '/proc/1/ns/net', ifName: 'eth0', args: '' })).toMatchObject({
      exitCode: 1,
      stdout: { code: 3, msg: 'Container unknown or does not exist' },
    });
  });

  it('when VERSION runs, then the library answers with its own version and the supported list', () => {
    const { state, node } = labWithPod();
    expect(cniVersion(state, node)).toMatchObject({
      command: 'VERSION',
      stdin: { cniVersion: '0.3.1' },
      stdout: { cniVersion: '1.1.0', supportedVersions: ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] },
    });
  });

  it('given the bridge plugin, when ADD runs, then bridge is called directly with host-local over the node range', () => {
    const state = initialState();
    applyCommand(state, { type: 'createLab', name: 'b', cluster: { cni: { plugin: 'bridge' }, podCIDR: '10.10.0.0/16', nodeNetwork: '172.16.100.0/24' } });
    applyCommand(state, { type: 'addNode', name: 'vm1', ip: '172.16.100.1', podCIDR: '10.10.10.0/24' });
    applyCommand(state, { type: 'createPod', namespace: 'default', name: 'p', containers: [{ name: 'c', image: 'x' }] });
    // vm1 is the control plane: coredns took 10.10.10.2.
    expect(state.nodes.get('vm1')!.cniLog.at(-1)!.call).toMatchObject({
      plugin: 'bridge',
      stdin: { cniVersion: '1.0.0', type: 'bridge', bridge: 'cni0', isGateway: true, mtu: 1500, ipam: { type: 'host-local', ranges: [[{ subnet: '10.10.10.0/24' }]] } },
      stdout: { cniVersion: '1.0.0', ips: [{ interface: 2, address: '10.10.10.3/24', gateway: '10.10.10.1' }], routes: [{ dst: '0.0.0.0/0', gw: '10.10.10.1' }] },
    });
  });

  it('keeps a bounded call log per node, oldest dropped first', () => {
    const { state, node } = labWithPod();
    for (let i = 0; i < 40; i++) applyCommand(state, { type: 'createPod', namespace: 'default', name: `p${i}`, nodeName: node.name, containers: [{ name: 'c', image: 'x' }] });
    expect(node.cniLog).toHaveLength(32);
    expect(node.cniLog.at(-1)!.call.args).toContain('K8S_POD_NAME=p39');
    expect(node.cniLog[0].seq).toBeLessThan(node.cniLog.at(-1)!.seq);
  });
});

import fc from 'fast-check';
import { nodeNetNamespace, podNetNamespace } from '../netns/derive';
import { formatIp } from '../net/ipv4';
import type { LabState } from '../cluster/types';
import { labWith, runPod, twoVmsRouter } from './lab-fixtures';
import { longestPrefixMatch, nodeRoute, podRoute } from './routing';

/** Two pods per node, so the routed plugins' /32 and remote block routes exist. */
function withPods(state: LabState): LabState {
  for (const node of [...state.nodes.keys()]) for (const name of ['a', 'b']) runPod(state, `${name}-${node}`, 'nginx', node);
  return state;
}

describe('nodeRoute', () => {
  const labs = {
    'flannel vxlan': labWith({}, 4),
    'flannel host-gw': labWith({ cni: { plugin: 'flannel', backend: 'host-gw' } }, 3),
    'two VMs and a router': twoVmsRouter(),
    'calico ipip': withPods(labWith({ cni: { plugin: 'calico', backend: 'ipip' } }, 3)),
    'calico vxlan': withPods(labWith({ cni: { plugin: 'calico', backend: 'vxlan' } }, 3)),
    'calico bgp': withPods(labWith({ cni: { plugin: 'calico', backend: 'bgp' } }, 3)),
    'weave fastdp': withPods(labWith({ cni: { plugin: 'weave' } }, 3)),
    'cilium vxlan': withPods(labWith({ cni: { plugin: 'cilium', backend: 'vxlan' } }, 3)),
    'cilium native': withPods(labWith({ cni: { plugin: 'cilium', backend: 'native' } }, 3)),
    'bridge on DHCP VMs': withPods(labWith({ cni: { plugin: 'bridge' }, node: { dhcp: true, docker0: '172.18.0.0/16' } }, 2)),
  };

  it.each(Object.entries(labs))('chooses what longest-prefix matching over the derived table chooses (%s)', (_, state) => {
    const nodes = [...state.nodes.values()];
    const interesting = fc.oneof(
      fc.integer({ min: 0, max: 0xffffffff }).map(formatIp),
      fc.constantFrom(
        ...nodes.flatMap((node) => [node.ip, node.network.replace(/\.0\/\d+$/, '.1'), '172.18.0.1', '172.17.0.9', node.podCIDR.replace(/\.0\/\d+$/, '.7'), node.podCIDR.replace(/\/\d+$/, ''), ...node.allocated.keys()]),
        ...nodes.flatMap((node) => (node.pluginNet ? [node.pluginNet.podRange.replace(/\/\d+$/, '')] : [])),
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...nodes), interesting, (node, ip) => {
        expect(nodeRoute(state, node, ip)).toEqual(longestPrefixMatch(nodeNetNamespace(state, node.name).routes, ip));
      }),
      { numRuns: 300 },
    );
  });

  it.each(Object.entries(labs))("podRoute chooses what longest-prefix matching over the pod's derived table chooses, hostNetwork pods the node's (%s)", (_, state) => {
    const pods = [...state.pods.values()].filter((pod) => pod.ip !== '');
    expect(pods.some((pod) => pod.hostNetwork)).toBe(true);
    const addresses = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map(formatIp), fc.constantFrom(...pods.map((pod) => pod.ip), ...[...state.nodes.values()].map((node) => node.ip)));
    fc.assert(
      fc.property(fc.constantFrom(...pods), addresses, (pod, ip) => {
        expect(podRoute(state, pod, ip)).toEqual(longestPrefixMatch(podNetNamespace(state, pod.namespace, pod.name).routes, ip));
      }),
      { numRuns: 300 },
    );
  });
});

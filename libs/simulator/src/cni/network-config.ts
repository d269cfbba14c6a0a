import type { LabState, NodeState } from '../cluster/types';
import { broadcastOf, formatIp, parseCidr } from '../net/ipv4';
import { isRoutedPlugin, routedPodMtu } from './plugins';

/**
 * What the runtime feeds the first plugin of the node's conflist on stdin, and the facts the plugins
 * derive from the cluster settings (bridge name, MTU, pod routes).
 */
export const CNI_PATH = '/opt/cni/bin';
export const BRIDGE_NAME = 'cni0';
export const FLANNEL_VNI = 1;
export const FLANNEL_VXLAN_PORT = 8472;
/** VXLAN encapsulation overhead flannel subtracts from the external interface MTU. */
export const VXLAN_OVERHEAD = 50;

/** The bridge pods hang on with the bridge plugin: cni0, or the cluster's name for it (kubenet's cbr0). */
export function bridgeName(state: Pick<LabState, 'cluster'>): string {
  return state.cluster.cni.bridge ?? BRIDGE_NAME;
}

/** docker0 of every node: minikube's 172.17.0.0/16 unless the cluster sets another network. */
export function docker0Network(state: LabState): { network: string; address: string; cidr: string; broadcast: string } {
  const network = parseCidr(state.cluster.node?.docker0 ?? '172.17.0.0/16')!;
  const address = formatIp(network.network + 1);
  return { network: `${formatIp(network.network)}/${network.prefix}`, address, cidr: `${address}/${network.prefix}`, broadcast: formatIp(broadcastOf(network)) };
}

export function usesVxlan(state: Pick<LabState, 'cluster'>): boolean {
  return state.cluster.cni.plugin === 'flannel' && state.cluster.cni.backend === 'vxlan';
}

/** MTU of cni0, the veths and pod eth0. */
export function podMtu(state: Pick<LabState, 'cluster'>): number {
  if (isRoutedPlugin(state.cluster.cni.plugin)) return routedPodMtu(state.cluster.cni, state.cluster.mtu);
  return usesVxlan(state) ? state.cluster.mtu - VXLAN_OVERHEAD : state.cluster.mtu;
}

/** The first plugin of each routed plugin's conflist as the runtime feeds it (10-calico.conflist, 10-weave.conflist, 05-cilium.conflist). */
function routedNetworkConfig(state: Pick<LabState, 'cluster'>, node: Pick<NodeState, 'name'>): { plugin: string; stdin: Record<string, unknown> } | undefined {
  switch (state.cluster.cni.plugin) {
    case 'calico':
      return {
        plugin: 'calico',
        stdin: {
          cniVersion: '0.3.1',
          name: 'k8s-pod-network',
          type: 'calico',
          log_level: 'info',
          datastore_type: 'kubernetes',
          nodename: node.name,
          mtu: podMtu(state),
          ipam: { type: 'calico-ipam' },
          policy: { type: 'k8s' },
          kubernetes: { kubeconfig: '/etc/cni/net.d/calico-kubeconfig' },
        },
      };
    case 'weave':
      return { plugin: 'weave-net', stdin: { cniVersion: '0.3.0', name: 'weave', type: 'weave-net', hairpinMode: true } };
    case 'cilium':
      return { plugin: 'cilium-cni', stdin: { cniVersion: '0.3.1', name: 'cilium', type: 'cilium-cni', 'enable-debug': false, 'log-file': '/var/run/cilium/cilium-cni.log' } };
    default:
      return undefined;
  }
}

export function networkConfig(state: Pick<LabState, 'cluster'>, node: Pick<NodeState, 'podCIDR' | 'name'>): { plugin: string; stdin: Record<string, unknown> } {
  const routed = routedNetworkConfig(state, node);
  if (routed) return routed;
  if (state.cluster.cni.plugin === 'flannel') {
    // /etc/cni/net.d/10-flannel.conflist, first plugin, with the runtime-injected name and cniVersion.
    return {
      plugin: 'flannel',
      stdin: { cniVersion: '0.3.1', name: 'cbr0', type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
    };
  }
  return {
    plugin: 'bridge',
    stdin: {
      cniVersion: '1.0.0',
      name: 'bridge',
      type: 'bridge',
      bridge: bridgeName(state),
      isGateway: true,
      isDefaultGateway: true,
      hairpinMode: true,
      ipMasq: true,
      mtu: podMtu(state),
      ipam: { type: 'host-local', ranges: [[{ subnet: node.podCIDR }]] },
    },
  };
}

/** Routes the plugin chain puts into the pod besides the connected one: [dst, via gateway]. */
export function podRouteDestinations(state: Pick<LabState, 'cluster'>): string[] {
  return state.cluster.cni.plugin === 'flannel' ? ['0.0.0.0/0', state.cluster.podCIDR] : ['0.0.0.0/0'];
}

/** /run/flannel/subnet.env as flanneld writes it (WriteSubnetFile). */
export function flannelSubnetEnv(state: LabState, node: NodeState): string {
  const subnet = parseCidr(node.podCIDR)!;
  const first = `${formatIp(subnet.network + 1)}/${subnet.prefix}`;
  return `FLANNEL_NETWORK=${state.cluster.podCIDR}\nFLANNEL_SUBNET=${first}\nFLANNEL_MTU=${podMtu(state)}\nFLANNEL_IPMASQ=true\n`;
}


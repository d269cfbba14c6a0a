import { z } from 'zod';
import { cidr, mac, name, podAttachmentFields } from './fields';
import { cniCallSchema } from './cluster-events';
import { labEvents } from './lab-events';

/**
 * Events of the CNI plugins that wire pods without flannel's bridge (calico, weave, cilium) and of a
 * lab changing its plugin. Each records the plugin's decisions: the node's pod range (calico /26
 * block, weave's share of 10.32.0.0/12, cilium's /24), the devices it created with their MACs and
 * indexes, every pod address and host-side interface.
 */

const cniSettings = z
  .object({
    plugin: z.enum(['bridge', 'flannel', 'calico', 'weave', 'cilium']),
    backend: z.string().nullable(),
    encryption: z.enum(['wireguard', 'ipsec']).nullable(),
    bridge: z.string().optional(),
    kubeProxyReplacement: z.literal(true).optional(),
  })
  .strict();

export const pluginDeviceSchema = z
  .object({
    name: z.string().min(1).max(15),
    kind: z.enum(['veth', 'bridge', 'vxlan', 'ipip', 'dummy', 'wireguard', 'openvswitch']),
    index: z.number().int().positive(),
    mac,
    /** The other end of a veth pair in the node's namespace (cilium_host/cilium_net, vethwe-bridge/vethwe-datapath). */
    peer: z.string().optional(),
    /** Bridge the device is enslaved to. */
    master: z.string().optional(),
    address: cidr.optional(),
  })
  .strict();
export type PluginDevice = z.output<typeof pluginDeviceSchema>;

/** The plugin's agent started on a node (calico-node, weave-net, cilium-agent, flanneld after a change). */
export const PluginNodeReady = labEvents.define({
  type: 'PluginNodeReady',
  version: 1,
  schema: z
    .object({
      node: name,
      plugin: cniSettings.shape.plugin,
      /** Where the node's pod addresses come from. */
      podRange: cidr,
      devices: z.array(pluginDeviceSchema),
    })
    .strict(),
});

/** A CNI ADD by calico, weave or cilium: a point-to-point or bridged veth without cni0. */
export const PluginPodAttached = labEvents.define({
  type: 'PluginPodAttached',
  version: 1,
  schema: z
    .object({
      ...podAttachmentFields,
      hostIf: z.string().regex(/^(cali[0-9a-f]{11}|lxc[0-9a-f]{12}|vethwepl[0-9a-f]{7})$/),
      hostMac: mac,
      hostIndex: z.number().int().positive(),
      netnsId: z.number().int().nonnegative(),
      /** calico: the node's blocks were full, so this ADD claimed another /26 for the node. */
      claimedBlock: cidr.optional(),
      cni: cniCallSchema,
    })
    .strict(),
});

/** The pod's sandbox network torn down by CNI DEL (the pod stays; it is re-added by the new plugin). */
export const PodNetworkDetached = labEvents.define({
  type: 'PodNetworkDetached',
  version: 1,
  schema: z.object({ namespace: name, name, cni: cniCallSchema }).strict(),
});

/** The lab's CNI replaced (`changePlugin`): the nodes lose the old plugin's devices. */
export const PluginChanged = labEvents.define({
  type: 'PluginChanged',
  version: 1,
  schema: z.object({ from: cniSettings, to: cniSettings }).strict(),
});

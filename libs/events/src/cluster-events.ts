import { z } from 'zod';
import { ip, cidr, mac, name, podAttachmentFields, stringMap, objectMetaFields } from './fields';
import { labEvents } from './lab-events';

/**
 * Cluster mutations. Each event carries every decision the simulator made (addresses, MACs,
 * interface names and indexes, uids), so evolve() only copies them and an old history replays
 * identically after the allocation code changes. What follows from those decisions (the CNI call
 * a pod's ADD or DEL made) is derived by evolve, not stored: a long history replays faster.
 */

export const cniCallSchema = z
  .object({
    /** The plugin the runtime executed (first of the conflist chain: flannel, bridge). */
    plugin: z.string(),
    command: z.enum(['ADD', 'DEL', 'CHECK', 'VERSION']),
    containerId: z.string(),
    netns: z.string(),
    ifName: z.string(),
    args: z.string(),
    path: z.string(),
    /** The network configuration JSON the plugin read on stdin. */
    stdin: z.record(z.string(), z.unknown()),
    exitCode: z.number().int(),
    /** Result JSON or error JSON ({cniVersion, code, msg, details?}); null when the plugin printed nothing. */
    stdout: z.record(z.string(), z.unknown()).nullable(),
  })
  .strict();
export type CniCall = z.output<typeof cniCallSchema>;

export const NodeAdded = labEvents.define({
  type: 'NodeAdded',
  version: 1,
  schema: z
    .object({
      name,
      ip,
      /** The L2 segment of the node's eth0 (its address and prefix length). */
      network: cidr,
      podCIDR: cidr,
      role: z.enum(['control-plane', 'worker']),
      mac,
      /** flannel.1's VtepMAC; null without a VXLAN overlay. */
      vtepMac: mac.nullable(),
      dockerMac: mac,
      ifIndex: z
        .object({
          eth0: z.number().int().positive(),
          /** The host-side peer of eth0 (printed eth0@ifN). */
          eth0Peer: z.number().int().positive(),
          docker0: z.number().int().positive(),
          vtep: z.number().int().positive().nullable(),
        })
        .strict(),
    })
    .strict(),
});

export const NodeRemoved = labEvents.define({
  type: 'NodeRemoved',
  version: 1,
  schema: z.object({ name }).strict(),
});

export const RouterAdded = labEvents.define({
  type: 'RouterAdded',
  version: 1,
  schema: z
    .object({
      name,
      interfaces: z.array(z.object({ ip, network: cidr }).strict()).min(1),
      routes: z.array(z.object({ dst: cidr, via: ip }).strict()),
    })
    .strict(),
});

export const NamespaceCreated = labEvents.define({
  type: 'NamespaceCreated',
  version: 1,
  schema: z.object({ name, labels: stringMap }).strict(),
});

export const NamespaceDeleted = labEvents.define({
  type: 'NamespaceDeleted',
  version: 1,
  schema: z.object({ name }).strict(),
});

export const containerSchema = z
  .object({
    name: z.string(),
    image: z.string(),
    ports: z.array(
      z.object({ name: z.string().optional(), containerPort: z.number().int(), protocol: z.enum(['TCP', 'UDP', 'SCTP']) }).strict(),
    ),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).optional(),
    env: z.array(z.object({ name: z.string(), value: z.string() }).strict()).optional(),
  })
  .strict();

export const PodCreated = labEvents.define({
  type: 'PodCreated',
  version: 1,
  schema: z
    .object({
      ...objectMetaFields,
      annotations: stringMap,
      /** The scheduling decision. */
      node: name,
      hostNetwork: z.boolean(),
      containers: z.array(containerSchema).min(1),
      owner: z.object({ kind: z.string(), name: z.string() }).strict().optional(),
    })
    .strict(),
});

/** The CNI ADD that wired a pod: what host-local and bridge decided. The call itself is derived from it. */
export const PodNetworkAttached = labEvents.define({
  type: 'PodNetworkAttached',
  version: 2,
  schema: z
    .object({
      ...podAttachmentFields,
      vethName: z.string().regex(/^veth[0-9a-f]{8}$/),
      vethMac: mac,
      vethIndex: z.number().int().positive(),
      /** link-netnsid of the pod's netns as seen from the node. */
      netnsId: z.number().int().nonnegative(),
      /** The pod's network namespace (CNI_NETNS), e.g. /proc/1234/ns/net. */
      netns: z.string(),
      /** The address the ADD asked host-local for (CNI_ARGS IP=), from the pod's pinned-address annotation. */
      requestedIp: ip.optional(),
      /** Set when this ADD created the node's bridge (cni0), which happens at the first pod. */
      bridge: z.object({ name: z.string(), index: z.number().int().positive(), mac }).strict().optional(),
    })
    .strict(),
});
// v1 stored the whole CNI call (~1.2 KB of a 1.5 KB event); v2 keeps the decisions it was made of.
labEvents.addUpcaster('PodNetworkAttached', 1, (data) => {
  const { cni, ...decisions } = data as { cni: CniCall };
  const requestedIp = /(?:^|;)IP=([^;]*)/.exec(cni.args)?.[1];
  return { ...decisions, netns: cni.netns, ...(requestedIp === undefined ? {} : { requestedIp }) };
});

/** A pod deleted; the CNI DEL the runtime ran for it (none for hostNetwork pods) is derived from the pod. */
export const PodDeleted = labEvents.define({
  type: 'PodDeleted',
  version: 2,
  schema: z.object({ namespace: name, name }).strict(),
});
// v1 stored the DEL call, which v2 derives from the pod's attachment.
labEvents.addUpcaster('PodDeleted', 1, (data) => {
  const { namespace, name } = data as { namespace: string; name: string };
  return { namespace, name };
});

import { z } from 'zod';
import { ip, name, stringMap, objectMetaFields } from './fields';
import { labEvents } from './lab-events';

/**
 * Services and kube-proxy. ServiceApplied carries the whole resulting spec, allocations included
 * (clusterIP, nodePorts, uid), so evolve() only copies it.
 */

const servicePort = z
  .object({
    /** "" for an unnamed single port. */
    name: z.string(),
    port: z.number().int().min(1).max(65535),
    protocol: z.enum(['TCP', 'UDP', 'SCTP']),
    targetPort: z.union([z.number().int().min(1).max(65535), z.string().min(1)]),
    nodePort: z.number().int().min(1).max(65535).nullable(),
  })
  .strict();

export const ServiceApplied = labEvents.define({
  type: 'ServiceApplied',
  version: 1,
  schema: z
    .object({
      ...objectMetaFields,
      type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']),
      /** "None" for a headless Service. */
      clusterIP: z.union([ip, z.literal('None')]),
      /** null: a Service without a selector (its endpoints are not managed). */
      selector: stringMap.nullable(),
      ports: z.array(servicePort),
      sessionAffinity: z.enum(['None', 'ClientIP']),
      externalTrafficPolicy: z.enum(['Cluster', 'Local']).nullable(),
      internalTrafficPolicy: z.enum(['Cluster', 'Local']),
    })
    .strict(),
});

export const ServiceDeleted = labEvents.define({
  type: 'ServiceDeleted',
  version: 1,
  schema: z.object({ namespace: name, name }).strict(),
});

/** A user's iptables command that changed a node's tables (reads are not events). */
export const IptablesChanged = labEvents.define({
  type: 'IptablesChanged',
  version: 1,
  schema: z.object({ node: name, args: z.array(z.string()).min(1).max(200) }).strict(),
});

/** kube-proxy restarted on these nodes (rollout restart, deleted pod): a full sync at that time. */
export const KubeProxyRestarted = labEvents.define({
  type: 'KubeProxyRestarted',
  version: 1,
  schema: z.object({ nodes: z.array(name).min(1) }).strict(),
});

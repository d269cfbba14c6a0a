import { z } from 'zod';
import { labEvents } from './lab-events';

const labelSelector = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(z.object({ key: z.string(), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: z.array(z.string()).optional() }).strict())
      .optional(),
  })
  .strict();

const peer = z
  .object({
    podSelector: labelSelector.optional(),
    namespaceSelector: labelSelector.optional(),
    ipBlock: z.object({ cidr: z.string(), except: z.array(z.string()).optional() }).strict().optional(),
  })
  .strict();

const port = z
  .object({
    protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
    port: z.union([z.number().int(), z.string()]).optional(),
    endPort: z.number().int().optional(),
  })
  .strict();

/**
 * The shape of a networking.k8s.io/v1 NetworkPolicy (unknown fields refused, as kubectl's strict
 * field validation does). Stored policies are also validated and defaulted (policyTypes set).
 */
export const networkPolicySchema = z
  .object({
    apiVersion: z.literal('networking.k8s.io/v1').optional(),
    kind: z.literal('NetworkPolicy').optional(),
    metadata: z.object({ name: z.string(), namespace: z.string(), labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() }).strict(),
    spec: z
      .object({
        podSelector: labelSelector,
        policyTypes: z.array(z.enum(['Ingress', 'Egress'])).optional(),
        ingress: z.array(z.object({ ports: z.array(port).optional(), from: z.array(peer).optional() }).strict()).optional(),
        egress: z.array(z.object({ ports: z.array(port).optional(), to: z.array(peer).optional() }).strict()).optional(),
      })
      .strict(),
  })
  .strict();

/** A NetworkPolicy was created or replaced (kubectl apply: created / configured). */
export const NetworkPolicyApplied = labEvents.define({
  type: 'NetworkPolicyApplied',
  version: 1,
  schema: z.object({ policy: networkPolicySchema, action: z.enum(['created', 'configured']) }).strict(),
});

/** A NetworkPolicy was deleted (kubectl delete, or its namespace went away). */
export const NetworkPolicyDeleted = labEvents.define({
  type: 'NetworkPolicyDeleted',
  version: 1,
  schema: z.object({ namespace: z.string(), name: z.string() }).strict(),
});

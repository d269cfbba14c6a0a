import { z } from 'zod';
import { name, stringMap, objectMetaFields } from './fields';
import { labEvents } from './lab-events';
import { containerSchema } from './cluster-events';

/**
 * apps/v1 Deployments. DeploymentApplied carries the stored object with its decisions (uid,
 * pod-template-hash); the pods it runs are PodCreated/PodDeleted events of the same command.
 */

export const DeploymentApplied = labEvents.define({
  type: 'DeploymentApplied',
  version: 1,
  schema: z
    .object({
      ...objectMetaFields,
      replicas: z.number().int().min(0),
      selector: stringMap,
      template: z.object({ labels: stringMap, annotations: stringMap, containers: z.array(containerSchema).min(1) }).strict(),
      podTemplateHash: z.string().min(1),
      annotations: stringMap.optional(),
      strategy: z
        .object({ type: z.enum(['RollingUpdate', 'Recreate']), maxSurge: z.union([z.number().int().min(0), z.string()]).optional(), maxUnavailable: z.union([z.number().int().min(0), z.string()]).optional() })
        .strict()
        .optional(),
      action: z.enum(['created', 'configured']),
    })
    .strict(),
});

export const DeploymentScaled = labEvents.define({
  type: 'DeploymentScaled',
  version: 1,
  schema: z.object({ namespace: name, name, replicas: z.number().int().min(0) }).strict(),
});

export const DeploymentDeleted = labEvents.define({
  type: 'DeploymentDeleted',
  version: 1,
  schema: z.object({ namespace: name, name }).strict(),
});

/**
 * One step of the deployment controller: the ReplicaSet `name` (of template `hash`) scaled from
 * `from` to `replicas` pods. The pods it creates or deletes follow as PodCreated/PodDeleted events.
 */
export const ReplicaSetScaled = labEvents.define({
  type: 'ReplicaSetScaled',
  version: 1,
  schema: z.object({ namespace: name, deployment: name, name, hash: z.string().min(1), from: z.number().int().min(0), replicas: z.number().int().min(0) }).strict(),
});

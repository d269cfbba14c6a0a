import { z } from 'zod';
import { labEvents } from './lab-events';

/** `kubectl label pod …`: the pod's complete label set after the change (Services and policies select on it). */
export const PodLabelsChanged = labEvents.define({
  type: 'PodLabelsChanged',
  version: 1,
  schema: z
    .object({
      namespace: z.string().min(1).max(253),
      name: z.string().min(1).max(253),
      labels: z.record(z.string(), z.string()),
    })
    .strict(),
});

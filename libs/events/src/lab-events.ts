import { z } from 'zod';
import { clusterSpecSchema } from './cluster-spec';
import { EventRegistry } from './registry';

/** Every event type a lab's history may hold. Later features define theirs here too. */
export const labEvents = new EventRegistry();

export const LabCreated = labEvents.define({
  type: 'LabCreated',
  version: 1,
  schema: z.object({ name: z.string().min(1).max(200), cluster: clusterSpecSchema }).strict(),
});

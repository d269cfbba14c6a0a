import { z } from 'zod';
import { labEvents } from './lab-events';

/** The lab's simulated clock changed speed (0 pauses it) and/or jumped forward by `advancedBy` ms. */
export const ClockChanged = labEvents.define({
  type: 'ClockChanged',
  version: 1,
  schema: z
    .object({
      speed: z.number().min(0).max(1000).optional(),
      advancedBy: z.number().int().min(0).optional(),
    })
    .strict(),
});

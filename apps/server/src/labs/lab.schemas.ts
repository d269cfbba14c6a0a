import { z } from 'zod';
import { clusterSpecSchema } from '@hoplab/events';

export const createLabSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    /** Kept as sent so that it overrides a scenario's cluster key by key; validated as a ClusterSpec. */
    cluster: z
      .record(z.string(), z.unknown())
      .superRefine((value, ctx) => {
        const result = clusterSpecSchema.safeParse(value);
        if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      })
      .optional(),
    scenario: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  })
  .strict();
export type CreateLabBody = z.output<typeof createLabSchema>;

export const forkLabSchema = z
  .object({
    at: z.number().int().min(1).optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const eventsQuerySchema = z
  .object({
    after: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(10000).default(1000),
  })
  .strict();

const tokens = { type: 'object', properties: { instructor: { type: 'string' }, student: { type: 'string' }, observer: { type: 'string' } } };

/** JSON Schemas for the OpenAPI document. */
export const openApi = {
  // Documented with the ClusterSpec's fields (the route keeps the sent object to merge it over a scenario's).
  createLab: z.toJSONSchema(
    createLabSchema.extend({
      cluster: clusterSpecSchema.optional(),
      scenario: z
        .union([z.string(), z.record(z.string(), z.unknown())])
        .optional()
        .describe('a built-in scenario (minikube-flannel, calico-netpol, two-vms-router, kubenet-cbr0), a scenario file as YAML text, or the document as an object'),
    }),
    { io: 'input', unrepresentable: 'any' },
  ) as Record<string, unknown>,
  forkLab: z.toJSONSchema(forkLabSchema, { io: 'input' }) as Record<string, unknown>,
  lab: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      version: { type: 'integer', description: 'Seq of the last event' },
      createdAt: { type: 'string', format: 'date-time' },
      parentLabId: { type: 'string', nullable: true },
      forkSeq: { type: 'integer', nullable: true },
      role: { type: 'string', enum: ['instructor', 'student', 'observer'] },
    },
  },
  createdLab: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      version: { type: 'integer' },
      tokens,
      parentLabId: { type: 'string', description: 'forks only' },
      forkSeq: { type: 'integer', description: 'forks only' },
    },
  },
  event: {
    type: 'object',
    properties: {
      seq: { type: 'integer' },
      type: { type: 'string' },
      version: { type: 'integer', description: 'Schema version of data' },
      data: { type: 'object' },
      actor: { type: 'string' },
      time: { type: 'integer', description: 'Simulated ms since the lab was created' },
      recordedAt: { type: 'string', format: 'date-time' },
    },
  },
  problem: {
    type: 'object',
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
    },
  },
};

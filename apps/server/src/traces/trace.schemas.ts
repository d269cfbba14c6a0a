import { z } from 'zod';

const endpoint = z.union([
  z.string().min(1),
  z.object({ pod: z.string().min(1) }).strict(),
  z.object({ node: z.string().min(1) }).strict(),
  z.object({ ip: z.string().min(1) }).strict(),
  z.object({ service: z.string().min(1) }).strict(),
]);

export const traceRequestSchema = z
  .object({
    from: endpoint,
    to: endpoint,
    port: z.number().int().min(1).max(65535).optional(),
    protocol: z.enum(['TCP', 'UDP', 'SCTP', 'ICMP']).default('TCP'),
    at: z.number().int().min(1).optional(),
    stream: z.boolean().default(false),
    /** Wall ms between two streamed hops (0 = no pacing). */
    pacingMs: z.number().int().min(0).max(10_000).default(400),
  })
  .strict()
  .refine((body) => body.protocol === 'ICMP' || body.port !== undefined, { message: 'port is required except for ICMP', path: ['port'] });
export type TraceRequestBody = z.output<typeof traceRequestSchema>;

export const connectivityQuerySchema = z
  .object({
    port: z.coerce.number().int().min(1).max(65535),
    protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
    at: z.coerce.number().int().min(1).optional(),
  })
  .strict();

export const openApi = {
  traceRequest: z.toJSONSchema(traceRequestSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  traceResult: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      verdict: { type: 'string', enum: ['delivered', 'refused', 'dropped', 'unreachable'] },
      reason: { type: 'string' },
      explanation: { type: 'string' },
      hops: { type: 'array', items: { type: 'object' } },
      at: { type: 'integer', description: 'the lab version the trace ran against' },
    },
  },
  connectivity: {
    type: 'object',
    properties: {
      pods: { type: 'array', items: { type: 'string' } },
      matrix: { type: 'array', items: { type: 'array', items: { type: 'boolean' } } },
    },
  },
};

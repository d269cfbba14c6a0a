import { z } from 'zod';

const ipv4 = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, 'must be an IPv4 address');
const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 CIDR');

export const addNodeSchema = z
  .object({
    name: z.string().min(1).max(253).optional(),
    ip: ipv4.optional(),
    podCIDR: cidr.optional(),
    role: z.enum(['control-plane', 'worker']).optional(),
  })
  .strict();

export const addRouterSchema = z
  .object({
    name: z.string().min(1).max(253),
    interfaces: z.array(z.object({ ip: ipv4, network: cidr }).strict()).min(1),
    routes: z.array(z.object({ dst: cidr, via: ipv4 }).strict()).default([]),
  })
  .strict();

export const clockSchema = z
  .object({
    advance: z.string().optional(),
    speed: z.number().min(0).max(1000).optional(),
  })
  .strict()
  .refine((body) => body.advance !== undefined || body.speed !== undefined, { message: 'give advance, speed or both' });

export const cniSchema = z
  .object({
    plugin: z.enum(['bridge', 'flannel', 'calico', 'weave', 'cilium']),
    backend: z.string().nullable().optional(),
    encryption: z.enum(['wireguard', 'ipsec']).nullable().optional(),
  })
  .strict();

export const openApi = {
  addNode: z.toJSONSchema(addNodeSchema, { io: 'input' }) as Record<string, unknown>,
  addRouter: z.toJSONSchema(addRouterSchema, { io: 'input' }) as Record<string, unknown>,
  cni: z.toJSONSchema(cniSchema, { io: 'input' }) as Record<string, unknown>,
  clock: z.toJSONSchema(clockSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  mutation: {
    type: 'object',
    properties: {
      version: { type: 'integer', description: 'The lab version after the mutation' },
      events: { type: 'array', items: { type: 'object' } },
    },
  },
};

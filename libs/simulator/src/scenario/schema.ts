import { z } from 'zod';
import { clusterSpecSchema } from '@hoplab/events';

/**
 * The scenario file (lab-as-code): the cluster, its machines, files, the steps that build the lab
 * and the checks that grade it. Every object is strict so a misspelt key is an error with its line.
 */
const duration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h))+$/, 'must be a duration such as "30s" or "1m30s"');
const ipv4 = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/, 'must be an IPv4 address such as 10.0.0.2');
const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.0.0.0/24');
const context = z.string().regex(/^(workstation|node\/[^/\s]+|pod\/[^/\s]+\/[^/\s]+)$/, 'must be "workstation", "node/<name>" or "pod/<namespace>/<name>"');
const protocol = z.enum(['TCP', 'UDP', 'SCTP', 'ICMP']);
const port = z.number().int().min(1).max(65535);

const node = z
  .object({ name: z.string().min(1).optional(), ip: ipv4.optional(), podCIDR: cidr.optional(), role: z.enum(['control-plane', 'worker']).optional() })
  .strict();

const router = z
  .object({
    name: z.string().min(1),
    interfaces: z.array(z.object({ ip: ipv4, network: cidr }).strict()).min(1),
    routes: z.array(z.object({ dst: cidr, via: ipv4 }).strict()).default([]),
  })
  .strict();

const file = z.object({ name: z.string().min(1).max(255), content: z.string() }).strict();

/** Manifests as YAML text, as parsed objects, or a file of the scenario's (or lab's) file store. */
const manifests = z.union([
  z.string().min(1),
  z.object({ file: z.string().min(1) }).strict(),
  z.array(z.record(z.string(), z.unknown())).min(1),
  z.record(z.string(), z.unknown()).refine((value) => !('file' in value), 'a file reference takes only "file"'),
], { error: 'must be manifests as YAML text, a manifest, a list of manifests, or { file: <name> }' });

/** One of apply / run / advance per step; a single object keeps zod's errors on the offending key. */
const step = z
  .object({ apply: manifests.optional(), namespace: z.string().min(1).optional(), run: z.string().min(1).optional(), context: context.optional(), advance: duration.optional() })
  .strict()
  .superRefine((value, ctx) => {
    const kinds = (['apply', 'run', 'advance'] as const).filter((key) => value[key] !== undefined);
    if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `a step needs exactly one of "apply", "run" or "advance"${kinds.length ? `, not ${kinds.map((k) => `"${k}"`).join(' and ')}` : ''}` });
    if (value.namespace !== undefined && value.apply === undefined) ctx.addIssue({ code: 'custom', path: ['namespace'], message: '"namespace" goes with "apply"' });
    if (value.context !== undefined && value.run === undefined) ctx.addIssue({ code: 'custom', path: ['context'], message: '"context" goes with "run"' });
  });

const endpoint = z.union([
  z.string().min(1),
  z.object({ pod: z.string() }).strict(),
  z.object({ node: z.string() }).strict(),
  z.object({ ip: ipv4 }).strict(),
  z.object({ service: z.string() }).strict(),
]);

const trace = z.object({ from: endpoint, to: endpoint, port: port.optional(), protocol: protocol.default('TCP') }).strict();
const text = z.union([z.string(), z.array(z.string()).min(1)]);
const connectivity = z
  .object({
    port,
    protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
    /** source pod → destination pod → reachable; pods as "namespace/name". */
    matrix: z.record(z.string(), z.record(z.string(), z.boolean())),
  })
  .strict();

/** What a check expects: a trace's verdict, a command's output, or cells of the connectivity matrix. */
const expectation = z
  .object({
    trace: trace.optional(),
    verdict: z.enum(['delivered', 'refused', 'dropped', 'unreachable']).optional(),
    exec: z.string().min(1).optional(),
    context: context.optional(),
    'stdout-contains': text.optional(),
    'stdout-not-contains': text.optional(),
    'exit-code': z.number().int().min(0).max(255).optional(),
    connectivity: connectivity.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const kinds = (['trace', 'exec', 'connectivity'] as const).filter((key) => value[key] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `expect needs exactly one of "trace", "exec" or "connectivity"${kinds.length ? `, not ${kinds.map((k) => `"${k}"`).join(' and ')}` : ''}` });
      return;
    }
    const allowed: Record<(typeof kinds)[number], string[]> = {
      trace: ['trace', 'verdict'],
      exec: ['exec', 'context', 'stdout-contains', 'stdout-not-contains', 'exit-code'],
      connectivity: ['connectivity'],
    };
    for (const key of Object.keys(value) as (keyof typeof value)[]) {
      if (value[key] !== undefined && !allowed[kinds[0]].includes(key)) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" does not go with "${kinds[0]}"` });
    }
    if (kinds[0] === 'trace' && value.verdict === undefined) ctx.addIssue({ code: 'custom', path: ['verdict'], message: 'a trace check needs the expected "verdict"' });
  });

const check = z
  .object({ name: z.string().min(1).optional(), expect: expectation })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    description: z.string().optional(),
    cluster: clusterSpecSchema.optional(),
    nodes: z.array(node).default([]),
    routers: z.array(router).default([]),
    files: z.array(file).default([]),
    steps: z.array(step).default([]),
    checks: z.array(check).default([]),
  })
  .strict();

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioStep = Scenario['steps'][number];
export type ScenarioCheck = Scenario['checks'][number];
export type Expectation = ScenarioCheck['expect'];

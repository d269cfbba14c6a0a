import { z } from 'zod';
import { MAX_LAB_FILE_BYTES } from '@hoplab/events';

/** A line as typed (here-documents make it several lines); 64 KiB is far beyond any lesson's. */
export const execSchema = z
  .object({
    command: z.string().max(64 * 1024),
    context: z.string().max(600).optional(),
    /** The shell variables of that context, as the previous answer returned them (`DB=$(…)` then `telnet $DB 5432`). */
    vars: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().max(64 * 1024)).optional(),
  })
  .strict();

export const fileSchema = z.object({ name: z.string().min(1).max(255), content: z.string().max(MAX_LAB_FILE_BYTES) }).strict();

export const openApi = {
  exec: {
    type: 'object',
    required: ['command'],
    properties: {
      command: { type: 'string', example: 'kubectl get po -o wide | grep app' },
      context: { type: 'string', example: 'workstation', description: '"workstation" (default), "node/<name>" or "pod/<namespace>/<name>"' },
      vars: { type: 'object', additionalProperties: { type: 'string' }, description: "the context's shell variables, as the previous answer returned them" },
    },
  },
  execResult: {
    type: 'object',
    properties: {
      stdout: { type: 'string', description: 'what the line printed (`kubectl get -w` prints its list once here; over socket.io `exec` it goes on streaming)' },
      stderr: { type: 'string' },
      exitCode: { type: 'integer' },
      version: { type: 'integer' },
      events: { type: 'array', items: { type: 'object' } },
      context: { type: 'string' },
      prompt: { type: 'string' },
      vars: { type: 'object', additionalProperties: { type: 'string' } },
      notes: {
        type: 'array',
        items: { type: 'string' },
        description: "the lab's explanations beside the tools' own output, e.g. after an iptables change on a node: when kube-proxy puts its rules back and why",
      },
    },
  },
  file: { type: 'object', required: ['name', 'content'], properties: { name: { type: 'string', example: 'deny-all.yaml' }, content: { type: 'string' } } },
};

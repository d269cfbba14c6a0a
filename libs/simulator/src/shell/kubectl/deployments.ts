import type { Command } from '../../model/commands';
import { printed, type Invocation, type ProgramResult } from '../types';
import { kubectlErrors } from './errors';
import { flag, type FlagSpec, type ParsedFlags } from './flags';
import { namespaceOf, targets } from './get';
import { deploymentInput } from './rollout';

export const scaleFlags: FlagSpec[] = [
  { name: 'replicas', value: true },
  { name: 'current-replicas', value: true },
  { name: 'filename', short: 'f', value: true },
];

export const createDeploymentFlags: FlagSpec[] = [
  { name: 'image', value: true },
  { name: 'replicas', short: 'r', value: true },
  { name: 'port', value: true },
];

function replicasOf(parsed: ParsedFlags, required: boolean): number | undefined | string {
  const text = flag(parsed, 'replicas');
  if (text === undefined) return required ? 'required flag(s) "replicas" not set' : undefined;
  if (!/^-?\d+$/.test(text)) return `invalid argument "${text}" for "--replicas" flag: strconv.ParseInt: parsing "${text}": invalid syntax`;
  return Number(text);
}

/** `kubectl scale deployment/NAME --replicas=N` or `kubectl scale deploy NAME --replicas N`. */
export function kubectlScale(call: Invocation, parsed: ParsedFlags): ProgramResult {
  const replicas = replicasOf(parsed, true);
  if (typeof replicas === 'string') return kubectlErrors.plain(replicas);
  if (replicas! < 0) return kubectlErrors.plain('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  const found = targets(parsed.positional, 'scale');
  if ('kind' in found) return found;
  const namespace = namespaceOf(parsed);
  const said: string[] = [];
  for (const { info, names } of found) {
    if (info.type !== 'deployments') return kubectlErrors.plain(`the lab scales deployments only, not ${info.type}`);
    if (names.length === 0) return kubectlErrors.plain('resource(s) were provided, but no name was specified');
    for (const name of names) {
      const deployment = call.state.deployments.get(`${namespace}/${name}`);
      if (!deployment) return kubectlErrors.notFound('deployments.apps', name);
      const current = flag(parsed, 'current-replicas');
      if (current !== undefined && Number(current) !== deployment.replicas) {
        return kubectlErrors.plain(`Expected replicas to be ${current}, was ${deployment.replicas}`);
      }
      said.push(name);
    }
  }
  const commands = said.map((name) => ({ type: 'scaleDeployment' as const, namespace, name, replicas: replicas! }));
  return { kind: 'mutation', commands, render: () => printed(said.map((name) => `deployment.apps/${name} scaled\n`).join('')) };
}

/**
 * `kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=P]`: labels and selector
 * app=NAME, one container named after the image, as kubectl builds it.
 */
export function kubectlCreateDeployment(call: Invocation, parsed: ParsedFlags): ProgramResult {
  const [, name] = parsed.positional;
  if (!name) return kubectlErrors.usage('NAME is required', 'create deployment');
  const image = flag(parsed, 'image');
  if (!image) return kubectlErrors.plain('required flag(s) "image" not set');
  const replicas = replicasOf(parsed, false);
  if (typeof replicas === 'string') return kubectlErrors.plain(replicas);
  const namespace = namespaceOf(parsed);
  if (!call.state.namespaces.has(namespace)) return kubectlErrors.namespaceNotFound(namespace);
  if (call.state.deployments.has(`${namespace}/${name}`)) return kubectlErrors.alreadyExists('deployments.apps', name);
  const port = flag(parsed, 'port');
  if (port !== undefined && !/^\d+$/.test(port)) return kubectlErrors.plain(`invalid argument "${port}" for "--port" flag: strconv.ParseInt: parsing "${port}": invalid syntax`);
  const container = {
    name: containerName(image),
    image,
    ...(port !== undefined ? { ports: [{ containerPort: Number(port), protocol: 'TCP' as const }] } : {}),
  };
  const labels = { app: name };
  const deployment = { namespace, name, labels, ...(replicas !== undefined ? { replicas } : {}), selector: labels, template: { labels, containers: [container] } };
  return { kind: 'mutation', commands: [{ type: 'applyDeployment', deployment }], render: () => printed(`deployment.apps/${name} created\n`) };
}

/** kubectl's container name for an image: its last path part, without tag or digest, made a DNS label. */
function containerName(image: string): string {
  const base = image.split('/').pop()!.split('@')[0].split(':')[0];
  return base.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'container';
}

export const setFlags: FlagSpec[] = [];

/** `kubectl set image deployment/NAME CONTAINER=IMAGE [...]` (`*=IMAGE` for every container): a new template, rolled out. */
export function kubectlSet(call: Invocation, parsed: ParsedFlags): ProgramResult {
  const [verb, ...rest] = parsed.positional;
  if (verb !== 'image') return kubectlErrors.plain(`the lab's kubectl runs set image only`);
  const resources = rest.filter((arg) => !arg.includes('='));
  const updates = rest.filter((arg) => arg.includes('=')).map((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] as const);
  if (updates.length === 0) return kubectlErrors.usage('at least one image update is required', 'set image');
  const found = targets(resources, 'set image');
  if ('kind' in found) return found;
  const namespace = namespaceOf(parsed);
  const commands: Command[] = [];
  let stdout = '';
  for (const { info, names } of found) {
    if (info.type !== 'deployments') return kubectlErrors.plain(`the lab's kubectl sets images of deployments only, not ${info.type}`);
    for (const name of names) {
      const deployment = call.state.deployments.get(`${namespace}/${name}`);
      if (!deployment) return kubectlErrors.notFound('deployments.apps', name);
      const input = deploymentInput(deployment);
      for (const [container, image] of updates) {
        const matching = input.template.containers.filter((c) => container === '*' || c.name === container);
        if (matching.length === 0) return kubectlErrors.plain(`unable to find container named "${container}"`);
        for (const c of matching) c.image = image;
      }
      if (JSON.stringify(input.template) === JSON.stringify(deployment.template)) continue;
      commands.push({ type: 'applyDeployment', deployment: input });
      stdout += `deployment.apps/${name} image updated\n`;
    }
  }
  if (commands.length === 0) return printed(stdout);
  return { kind: 'mutation', commands, render: () => printed(stdout) };
}

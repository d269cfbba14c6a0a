import type { LabState } from '../../cluster/types';
import { ManifestError, parseManifests, planApply, type ApplyPlan, type ManifestObject } from '../../manifests';
import type { Command } from '../../model/commands';
import { failure, printed, type Invocation, type Mutation, type Printed, type ProgramResult } from '../types';
import type { PodRunner } from './exec';
import { kubectlErrors, qualifiedPlural } from './errors';
import { boolFlag, flag, type FlagSpec, type ParsedFlags } from './flags';
import { namespaceOf, targets } from './get';
import { readLabFile } from './lab-files';
import { kubectlCreateDeployment } from './deployments';

export const runFlags: FlagSpec[] = [
  { name: 'image', value: true },
  { name: 'labels', short: 'l', value: true },
  { name: 'env', value: true },
  { name: 'port', value: true },
  { name: 'restart', value: true },
  { name: 'command' },
  { name: 'stdin', short: 'i' },
  { name: 'tty', short: 't' },
  { name: 'rm' },
];

export const fileFlags: FlagSpec[] = [
  { name: 'filename', short: 'f', value: true },
  { name: 'validate', value: true },
  { name: 'server-side' },
  { name: 'all' },
  { name: 'now' },
  { name: 'force' },
  { name: 'grace-period', value: true },
  { name: 'wait' },
];

export const exposeFlags: FlagSpec[] = [
  { name: 'port', value: true },
  { name: 'target-port', value: true },
  { name: 'name', value: true },
  { name: 'type', value: true },
  { name: 'protocol', value: true },
];

function mutation(commands: Command[], render: Mutation['render']): Mutation {
  return { kind: 'mutation', commands, render };
}

function parseKeyValues(text: string): Record<string, string> | string {
  const map: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return pair;
    map[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return map;
}

/** `kubectl run NAME --image=IMAGE [--labels=k=v] [--env=K=V]... [--port=N] [-- ARGS...]` */
export function kubectlRun(call: Invocation, parsed: ParsedFlags, runInPod: PodRunner): ProgramResult {
  const [name] = parsed.positional;
  if (!name) return kubectlErrors.usage('NAME is required for run', 'run');
  const image = flag(parsed, 'image');
  if (!image) return kubectlErrors.plain('required flag(s) "image" not set');
  const namespace = namespaceOf(parsed);
  if (!call.state.namespaces.has(namespace)) return kubectlErrors.namespaceNotFound(namespace);
  if (call.state.pods.has(`${namespace}/${name}`)) return kubectlErrors.alreadyExists('pods', name);
  const labelsFlag = flag(parsed, 'labels');
  const labels = labelsFlag === undefined ? { run: name } : parseKeyValues(labelsFlag);
  if (typeof labels === 'string') return kubectlErrors.plain(`invalid label spec: ${labelsFlag}`);
  const env: { name: string; value: string }[] = [];
  for (const entry of parsed.values.get('env') ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) return kubectlErrors.plain(`invalid env: ${entry}`);
    env.push({ name: entry.slice(0, eq), value: entry.slice(eq + 1) });
  }
  const port = flag(parsed, 'port');
  if (port !== undefined && !/^\d+$/.test(port)) return kubectlErrors.plain(`invalid argument "${port}" for "--port" flag: strconv.ParseInt: parsing "${port}": invalid syntax`);
  const container = {
    name,
    image,
    ...(parsed.rest.length > 0 ? (boolFlag(parsed, 'command') ? { command: parsed.rest } : { args: parsed.rest }) : {}),
    ...(env.length > 0 ? { env } : {}),
    ...(port !== undefined ? { ports: [{ containerPort: Number(port), protocol: 'TCP' as const }] } : {}),
  };
  const create: Command = { type: 'createPod', namespace, name, labels, containers: [container] };
  if (!boolFlag(parsed, 'stdin')) return mutation([create], () => printed(`pod/${name} created\n`));
  return mutation([create], attach(call, parsed, { namespace, name }, runInPod));
}

const SHELLS = new Set(['sh', 'bash', 'ash', 'zsh']);

/**
 * `kubectl run -i[t] … [--rm]`: with a tty and a shell (or no command), the terminal enters the pod
 * (exit deletes it with --rm); otherwise the command's output is shown, then the pod deleted with --rm.
 */
function attach(call: Invocation, parsed: ParsedFlags, pod: { namespace: string; name: string }, runInPod: PodRunner): Mutation['render'] {
  const rm = boolFlag(parsed, 'rm');
  const program = parsed.rest[0]?.replace(/^.*\//, '');
  const frame = { kind: 'pod' as const, namespace: pod.namespace, name: pod.name, shell: program ?? 'sh' };
  if (boolFlag(parsed, 'tty') && (program === undefined || (SHELLS.has(program) && parsed.rest.length === 1))) {
    return () => ({ ...printed("If you don't see a command prompt, try pressing enter.\n"), stack: [...call.stack, { ...frame, ...(rm ? { removeOnExit: true } : {}) }] });
  }
  return (after, env) => {
    const out = runInPod({ ...call, state: after, env }, frame, parsed.rest);
    if (!rm) return out;
    return mutation([{ type: 'deletePod', ...pod }], () => printed(`${out.stdout}pod "${pod.name}" deleted\n`, out.stderr, out.exitCode));
  };
}

/** The objects of every -f (a lab file, or `-` for stdin); a Printed is kubectl's error. */
function readManifests(call: Invocation, parsed: ParsedFlags, command: string): ManifestObject[] | Printed {
  const files = parsed.values.get('filename') ?? [];
  if (files.length === 0) return kubectlErrors.usage('must specify one of -f and -k', command);
  const objects: ManifestObject[] = [];
  for (const file of files) {
    const text = file === '-' ? call.stdin : readLabFile(call.state, file);
    if (text === undefined) return kubectlErrors.plain(`the path "${file}" does not exist`);
    try {
      for (const object of parseManifests(text)) objects.push({ ...object, index: objects.length });
    } catch (error) {
      if (error instanceof ManifestError) return kubectlErrors.plain(`error parsing ${file}: ${error.message}`);
      throw error;
    }
  }
  if (objects.length === 0) return kubectlErrors.plain('no objects passed to ' + command);
  return objects;
}

/** The -f files' objects planned against the lab, or kubectl's error for an object the API server would reject. */
function planFiles(call: Invocation, parsed: ParsedFlags, command: 'apply' | 'create'): ApplyPlan | Printed {
  const objects = readManifests(call, parsed, command);
  if ('kind' in objects) return objects;
  try {
    return planApply(call.state, objects, namespaceOf(parsed));
  } catch (error) {
    if (error instanceof ManifestError) return failure(error.issues.map((i) => `error: ${i.path}: ${i.message}\n`).join(''));
    throw error;
  }
}

/** `kubectl apply -f FILE|-`: "pod/app created", "networkpolicy.networking.k8s.io/x configured", "... unchanged". */
export function kubectlApply(call: Invocation, parsed: ParsedFlags): ProgramResult {
  const plan = planFiles(call, parsed, 'apply');
  if ('kind' in plan) return plan;
  const verb = boolFlag(parsed, 'server-side') ? 'serverside-applied' : undefined;
  const report = () => {
    const stdout = plan.outcomes.map((o) => `${o.resource}/${o.name} ${verb ?? o.action}\n`).join('');
    const stderr = plan.outcomes.filter((o) => o.warning).map((o) => `Warning: ${o.warning}\n`).join('');
    return printed(stdout, stderr);
  };
  if (plan.commands.length === 0) return report();
  return mutation(plan.commands, report);
}

interface Deletion {
  command: Command;
  said: string;
}

function deletionOf(state: LabState, type: string, namespace: string, name: string): Deletion | string {
  const notFound = `Error from server (NotFound): ${qualifiedPlural(type)} "${name}" not found\n`;
  switch (type) {
    case 'pods':
      if (!state.pods.has(`${namespace}/${name}`)) return notFound;
      return { command: { type: 'deletePod', namespace, name }, said: `pod "${name}" deleted\n` };
    case 'networkpolicies':
      if (!state.networkPolicies.has(`${namespace}/${name}`)) return notFound;
      return { command: { type: 'deleteNetworkPolicy', namespace, name }, said: `networkpolicy.networking.k8s.io "${name}" deleted\n` };
    case 'services':
      if (!state.services.has(`${namespace}/${name}`)) return notFound;
      return { command: { type: 'deleteService', namespace, name }, said: `service "${name}" deleted\n` };
    case 'namespaces':
      if (!state.namespaces.has(name)) return notFound;
      return { command: { type: 'deleteNamespace', name }, said: `namespace "${name}" deleted\n` };
    case 'deployments':
      if (!state.deployments.has(`${namespace}/${name}`)) return notFound;
      return { command: { type: 'deleteDeployment', namespace, name }, said: `deployment.apps "${name}" deleted\n` };
    case 'nodes':
      if (!state.nodes.has(name)) return notFound;
      return { command: { type: 'removeNode', name }, said: `node "${name}" deleted\n` };
    default:
      return `error: the lab cannot delete ${type}\n`;
  }
}

const kindTypes: Record<string, string> = { Pod: 'pods', NetworkPolicy: 'networkpolicies', Service: 'services', Namespace: 'namespaces', Node: 'nodes', Deployment: 'deployments' };

/** `kubectl delete TYPE NAME... | TYPE/NAME... | -f FILE` */
export function kubectlDelete(call: Invocation, parsed: ParsedFlags): ProgramResult {
  const namespace = namespaceOf(parsed);
  const wanted: { type: string; namespace: string; name: string }[] = [];
  if (parsed.values.has('filename')) {
    const objects = readManifests(call, parsed, 'delete');
    if ('kind' in objects) return objects;
    for (const o of objects) {
      const metadata = (o.object.metadata ?? {}) as { name?: string; namespace?: string };
      wanted.push({ type: kindTypes[o.kind] ?? o.kind.toLowerCase(), namespace: metadata.namespace ?? namespace, name: metadata.name ?? '' });
    }
  } else {
    const found = targets(parsed.positional, 'delete');
    if ('kind' in found) return found;
    for (const target of found) {
      if (target.names.length === 0 && !boolFlag(parsed, 'all')) {
        return kubectlErrors.plain('resource(s) were provided, but no name was specified');
      }
      const names = target.names.length > 0 ? target.names : allNamesOf(call.state, target.info.type, namespace);
      for (const name of names) wanted.push({ type: target.info.type, namespace, name });
    }
  }
  const deletions: Deletion[] = [];
  let stderr = '';
  for (const w of wanted) {
    const d = deletionOf(call.state, w.type, w.namespace, w.name);
    if (typeof d === 'string') stderr += d;
    else deletions.push(d);
  }
  if (deletions.length === 0) return printed('', stderr, 1);
  return mutation(
    deletions.map((d) => d.command),
    () => printed(deletions.map((d) => d.said).join(''), stderr, stderr ? 1 : 0),
  );
}

function allNamesOf(state: LabState, type: string, namespace: string): string[] {
  if (type === 'pods') return [...state.pods.values()].filter((p) => p.namespace === namespace).map((p) => p.name);
  if (type === 'networkpolicies') return [...state.networkPolicies.values()].filter((e) => e.policy.metadata.namespace === namespace).map((e) => e.policy.metadata.name);
  if (type === 'services') return [...state.services.values()].filter((s) => s.namespace === namespace).map((s) => s.name);
  if (type === 'deployments') return [...state.deployments.values()].filter((d) => d.namespace === namespace).map((d) => d.name);
  return [];
}

/** `kubectl expose pod NAME --port=N [--target-port=M] [--name=S] [--type=T]` */
export function kubectlExpose(call: Invocation, parsed: ParsedFlags): ProgramResult {
  const found = targets(parsed.positional, 'expose');
  if ('kind' in found) return found;
  const [{ info, names }] = found;
  const namespace = namespaceOf(parsed);
  if (info.type !== 'pods' || names.length !== 1) return kubectlErrors.plain(`cannot expose a ${info.singular}`);
  const pod = call.state.pods.get(`${namespace}/${names[0]}`);
  if (!pod) return kubectlErrors.notFound('pods', names[0]);
  if (Object.keys(pod.labels).length === 0) return kubectlErrors.plain("couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed");
  const port = flag(parsed, 'port') ?? pod.containers[0]?.ports[0]?.containerPort?.toString();
  if (port === undefined) return kubectlErrors.plain("couldn't find port via --port flag or introspection");
  const name = flag(parsed, 'name') ?? pod.name;
  if (call.state.services.has(`${namespace}/${name}`)) return kubectlErrors.alreadyExists('services', name);
  const targetPort = flag(parsed, 'target-port');
  const type = (flag(parsed, 'type') ?? 'ClusterIP') as 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  const protocol = (flag(parsed, 'protocol') ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP';
  const service = {
    namespace,
    name,
    type,
    selector: pod.labels,
    ports: [{ port: Number(port), protocol, targetPort: targetPort === undefined ? Number(port) : /^\d+$/.test(targetPort) ? Number(targetPort) : targetPort }],
  };
  return mutation([{ type: 'applyService', service }], () => printed(`service/${name} exposed\n`));
}

export const labelFlags: FlagSpec[] = [{ name: 'overwrite' }, { name: 'list' }];

/** `kubectl label pod NAME k=v k2- [--overwrite]`: "pod/app labeled", or "not labeled" when nothing changes. */
export function kubectlLabel(call: Invocation, parsed: ParsedFlags): ProgramResult {
  const changes = parsed.positional.filter((arg) => arg.includes('=') || arg.endsWith('-'));
  const objects = parsed.positional.filter((arg) => !changes.includes(arg));
  const found = targets(objects, 'label');
  if ('kind' in found) return found;
  if (changes.length === 0) return kubectlErrors.usage('at least one label update is required', 'label');
  const namespace = namespaceOf(parsed);
  const [{ info, names }] = found;
  if (info.type !== 'pods') return kubectlErrors.plain(`the lab labels pods only, not ${info.type}`);
  if (names.length === 0) return kubectlErrors.plain('resource(s) were provided, but no name was specified');
  const commands: Command[] = [];
  const said: string[] = [];
  let stderr = '';
  for (const name of names) {
    const pod = call.state.pods.get(`${namespace}/${name}`);
    if (!pod) return kubectlErrors.notFound('pods', name);
    const labels = { ...pod.labels };
    for (const change of changes) {
      if (change.endsWith('-') && !change.includes('=')) {
        const key = change.slice(0, -1);
        if (!(key in labels)) stderr += `label "${key}" not found.\n`;
        delete labels[key];
        continue;
      }
      const eq = change.indexOf('=');
      const key = change.slice(0, eq);
      const value = change.slice(eq + 1);
      if (key in labels && labels[key] !== value && !boolFlag(parsed, 'overwrite')) return kubectlErrors.plain(`'${key}' already has a value (${labels[key]}), and --overwrite is false`);
      labels[key] = value;
    }
    const same = Object.keys(labels).length === Object.keys(pod.labels).length && Object.entries(labels).every(([k, v]) => pod.labels[k] === v);
    said.push(`pod/${name} ${same ? 'not labeled' : 'labeled'}\n`);
    if (!same) commands.push({ type: 'labelPod', namespace, name, labels });
  }
  if (commands.length === 0) return printed(said.join(''), stderr);
  return mutation(commands, () => printed(said.join(''), stderr));
}

/**
 * `kubectl create namespace NAME` and `kubectl create -f FILE|-`: like apply, but an object that
 * exists already is kubectl's AlreadyExists error and nothing is created.
 */
export function kubectlCreate(call: Invocation, parsed: ParsedFlags): ProgramResult {
  const [kind, name] = parsed.positional;
  if (kind === 'namespace' || kind === 'ns') {
    if (!name) return kubectlErrors.usage('exactly one NAME is required, got 0', 'create namespace');
    if (call.state.namespaces.has(name)) return kubectlErrors.alreadyExists('namespaces', name);
    return mutation([{ type: 'createNamespace', name }], () => printed(`namespace/${name} created\n`));
  }
  if (kind === 'deployment' || kind === 'deploy') return kubectlCreateDeployment(call, parsed);
  if (kind !== undefined) return kubectlErrors.plain(`the lab's kubectl creates namespaces, deployments and objects from files (-f), not ${kind}`);
  const plan = planFiles(call, parsed, 'create');
  if ('kind' in plan) return plan;
  const file = parsed.values.get('filename')![0];
  const existing = plan.outcomes.filter((o) => o.action !== 'created');
  if (existing.length > 0) {
    const plural = (o: (typeof existing)[number]) =>
      o.resource === 'networkpolicy.networking.k8s.io' ? 'networkpolicies.networking.k8s.io' : o.resource === 'deployment.apps' ? 'deployments.apps' : `${o.resource}s`;
    return failure(existing.map((o) => `Error from server (AlreadyExists): error when creating "${file}": ${plural(o)} "${o.name}" already exists\n`).join(''));
  }
  return mutation(plan.commands, () => printed(plan.outcomes.map((o) => `${o.resource}/${o.name} created\n`).join('')));
}

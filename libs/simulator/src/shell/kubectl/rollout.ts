import type { DeploymentState } from '../../cluster/types';
import type { Command, DeploymentInput } from '../../model/commands';
import { printed, type Invocation, type ProgramResult } from '../types';
import { kubectlErrors } from './errors';
import { flag, type FlagSpec, type ParsedFlags } from './flags';
import { namespaceOf, targets } from './get';

export const rolloutFlags: FlagSpec[] = [
  { name: 'to-revision', value: true },
  { name: 'revision', value: true },
  { name: 'watch', short: 'w' },
  { name: 'timeout', value: true },
];

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** The Deployment as an applyDeployment input: what a kubectl verb changes and applies again. */
export function deploymentInput(deployment: DeploymentState): DeploymentInput {
  return {
    namespace: deployment.namespace,
    name: deployment.name,
    labels: deployment.labels,
    ...(deployment.annotations ? { annotations: deployment.annotations } : {}),
    replicas: deployment.replicas,
    selector: deployment.selector,
    template: structuredClone(deployment.template),
    ...(deployment.strategy ? { strategy: deployment.strategy } : {}),
  };
}

const daemonSetExists = (call: Invocation, namespace: string, name: string) =>
  [...call.state.pods.values()].some((p) => p.namespace === namespace && p.owner?.kind === 'DaemonSet' && p.owner.name === name);

/** `kubectl rollout restart|status|history|undo (ds|deploy) NAME`. */
export function kubectlRollout(call: Invocation, parsed: ParsedFlags): ProgramResult {
  const [verb, ...rest] = parsed.positional;
  if (!['restart', 'status', 'history', 'undo'].includes(verb ?? '')) {
    if (verb === 'pause' || verb === 'resume') return kubectlErrors.plain(`the lab's kubectl runs rollout restart, status, history and undo`);
    return kubectlErrors.unknownCommand(verb ?? '');
  }
  const found = targets(rest, `rollout ${verb}`);
  if ('kind' in found) return found;
  const namespace = namespaceOf(parsed);
  const commands: Command[] = [];
  let stdout = '';
  for (const { info, names } of found) {
    if (info.type !== 'daemonsets' && info.type !== 'deployments') return kubectlErrors.plain(`no ${verb === 'restart' ? 'restarter' : verb === 'undo' ? 'rollbacker' : verb === 'history' ? 'history viewer' : 'status viewer'} has been implemented for ${info.type}`);
    if (names.length === 0) return kubectlErrors.plain('required resource not specified');
    for (const name of names) {
      if (info.type === 'daemonsets') {
        if (!daemonSetExists(call, namespace, name)) return kubectlErrors.notFound('daemonsets.apps', name);
        if (verb === 'restart') {
          commands.push({ type: 'restartDaemonSet', namespace, name });
          stdout += `daemonset.apps/${name} restarted\n`;
        } else if (verb === 'status') stdout += `daemon set "${name}" successfully rolled out\n`;
        else return kubectlErrors.plain(`the lab keeps no revisions of DaemonSets`);
        continue;
      }
      const deployment = call.state.deployments.get(`${namespace}/${name}`);
      if (!deployment) return kubectlErrors.notFound('deployments.apps', name);
      if (verb === 'status') {
        const status = rolloutStatus(call, deployment);
        if (status.exitCode !== 0) return printed(stdout + status.stdout, status.stderr, status.exitCode);
        stdout += status.stdout;
      } else if (verb === 'history') {
        const revision = flag(parsed, 'revision');
        if (revision !== undefined) return kubectlErrors.plain(`the lab's kubectl prints the revision list only`);
        stdout += `deployment.apps/${name} \nREVISION  CHANGE-CAUSE\n${deployment.replicaSets.map((rs) => `${String(rs.revision).padEnd(10)}<none>\n`).join('')}\n`;
      } else if (verb === 'restart') {
        const input = deploymentInput(deployment);
        const at = new Date(call.env.epochMs + call.env.now).toISOString().replace(/\.\d{3}Z$/, 'Z');
        input.template.annotations = { ...input.template.annotations, [RESTARTED_AT]: at };
        commands.push({ type: 'applyDeployment', deployment: input });
        stdout += `deployment.apps/${name} restarted\n`;
      } else {
        const undo = rollback(deployment, flag(parsed, 'to-revision'));
        if (typeof undo === 'string') return kubectlErrors.plain(undo);
        if (undo === null) {
          stdout += `deployment.apps/${name} skipped rollback (current template already matches revision ${flag(parsed, 'to-revision') ?? deployment.replicaSets.at(-2)?.revision})\n`;
          continue;
        }
        commands.push({ type: 'applyDeployment', deployment: undo });
        stdout += `deployment.apps/${name} rolled back\n`;
      }
    }
  }
  if (commands.length === 0) return printed(stdout);
  return { kind: 'mutation', commands, render: () => printed(stdout) };
}

/** kubectl's DeploymentStatusViewer on the lab's Deployment: pods ready at once, so a rollout is done unless pods could not start. */
function rolloutStatus(call: Invocation, deployment: DeploymentState) {
  const pods = [...call.state.pods.values()].filter((p) => p.namespace === deployment.namespace && p.owner?.kind === 'ReplicaSet' && p.owner.name.startsWith(`${deployment.name}-`));
  const updated = pods.filter((p) => p.labels['pod-template-hash'] === deployment.podTemplateHash);
  const available = updated.filter((p) => p.phase === 'Running').length;
  const waiting = (why: string) => printed(`Waiting for deployment "${deployment.name}" rollout to finish: ${why}...\n`, 'error: timed out waiting for the condition\n', 1);
  if (updated.length < deployment.replicas) return waiting(`${updated.length} out of ${deployment.replicas} new replicas have been updated`);
  if (pods.length > updated.length) return waiting(`${pods.length - updated.length} old replicas are pending termination`);
  if (available < updated.length) return waiting(`${available} of ${updated.length} updated replicas are available`);
  return printed(`deployment "${deployment.name}" successfully rolled out\n`);
}

/** The template of the previous revision (or --to-revision) to apply again; null when it is the current one. */
function rollback(deployment: DeploymentState, toRevision: string | undefined): DeploymentInput | string | null {
  const revisions = deployment.replicaSets;
  const target = toRevision !== undefined && toRevision !== '0' ? revisions.find((rs) => String(rs.revision) === toRevision) : revisions.at(-2);
  if (!target) return toRevision !== undefined && toRevision !== '0' ? `unable to find specified revision ${toRevision} in history` : `no rollout history found for deployment "${deployment.name}"`;
  if (target.hash === deployment.podTemplateHash) return null;
  return { ...deploymentInput(deployment), template: structuredClone(target.template) };
}

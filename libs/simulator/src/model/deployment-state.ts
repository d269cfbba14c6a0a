import type { DeploymentScaling, DeploymentState } from '../cluster/types';

/** Old ReplicaSets a Deployment keeps (spec.revisionHistoryLimit's default). */
const REVISION_HISTORY_LIMIT = 10;

/** DeploymentApplied's data: the stored Deployment without what evolve derives. */
export type AppliedDeployment = Omit<DeploymentState, 'createdAt' | 'generation' | 'replicaSets' | 'scalings'>;

/** Equal as JSON: a state rebuilt from a snapshot has lost its undefined fields, the live one has not. */
export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const specOf = (d: Pick<DeploymentState, 'replicas' | 'selector' | 'template' | 'strategy'>) => ({ replicas: d.replicas, selector: d.selector, template: d.template, strategy: d.strategy });

/**
 * The Deployment after DeploymentApplied: generation bumped by a spec change, and the template's
 * ReplicaSet created (or, for a template it ran before, moved to the newest revision, as a rollback does).
 */
export function appliedDeployment(existing: DeploymentState | undefined, data: AppliedDeployment, time: number): DeploymentState {
  const replicaSets = (existing?.replicaSets ?? []).map((rs) => ({ ...rs }));
  const latest = replicaSets.reduce((max, rs) => Math.max(max, rs.revision), 0);
  const current = replicaSets.find((rs) => rs.hash === data.podTemplateHash);
  if (!current) replicaSets.push({ hash: data.podTemplateHash, template: data.template, replicas: 0, revision: latest + 1, createdAt: time });
  else if (current.revision !== latest) current.revision = latest + 1;
  replicaSets.sort((a, b) => a.revision - b.revision);
  // The controller deletes the oldest empty ReplicaSets beyond spec.revisionHistoryLimit (10).
  const old = replicaSets.filter((rs) => rs.hash !== data.podTemplateHash);
  const drop = new Set(old.filter((rs) => rs.replicas === 0).slice(0, Math.max(0, old.length - REVISION_HISTORY_LIMIT)));
  const kept = replicaSets.filter((rs) => !drop.has(rs));
  const generation = !existing ? 1 : sameJson(specOf(existing), specOf(data)) ? existing.generation : existing.generation + 1;
  return { ...data, createdAt: existing?.createdAt ?? time, generation, replicaSets: kept, scalings: existing?.scalings ?? [] };
}

/** Scaling steps a Deployment remembers for `kubectl describe` (the API server keeps Events an hour). */
const SCALINGS_KEPT = 20;

/** The ReplicaSet of `hash` scaled to `replicas` (ReplicaSetScaled), remembered as the controller's event. */
export function scaleReplicaSet(deployment: DeploymentState | undefined, scaled: { seq: number; time: number; name: string; hash: string; from: number; replicas: number }): void {
  const rs = deployment?.replicaSets.find((r) => r.hash === scaled.hash);
  if (!deployment || !rs) return;
  rs.replicas = scaled.replicas;
  deployment.scalings = [...deployment.scalings, { seq: scaled.seq, time: scaled.time, replicaSet: scaled.name, from: scaled.from, to: scaled.replicas }].slice(-SCALINGS_KEPT);
}

/** The deployment controller's event message for a step (a ReplicaSet scaled up from nothing names no `from`). */
export function scalingMessage(scaling: DeploymentScaling): string {
  const direction = scaling.to > scaling.from ? 'up' : 'down';
  return `Scaled ${direction} replica set ${scaling.replicaSet} to ${scaling.to}${scaling.from === 0 ? '' : ` from ${scaling.from}`}`;
}

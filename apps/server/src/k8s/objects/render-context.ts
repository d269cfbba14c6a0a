import { createHash } from 'node:crypto';
import type { LabState } from '@hoplab/simulator';

/** What rendering the lab as Kubernetes objects needs besides the state. */
export interface RenderContext {
  labId: string;
  state: LabState;
  /** Simulated time of the read, ms since the lab was created. */
  now: number;
  /** Wall-clock ms of the lab's creation: simulated time 0. */
  origin: number;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean }[];
  deletionTimestamp?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** RFC 3339 at second precision, as the API server writes metav1.Time. */
export function timestamp(ctx: RenderContext, simulatedMs: number): string {
  return new Date(ctx.origin + simulatedMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A stable UID for objects the model does not give one (nodes, namespaces, DaemonSets...). */
export function derivedUid(ctx: RenderContext, kind: string, namespace: string, name: string): string {
  const hex = createHash('sha1').update(`${ctx.labId}/${kind}/${namespace}/${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The model keeps no per-object version, so every object carries the lab's version: a write based
 * on an older read is refused even when it touched another object (safe, stricter than Kubernetes).
 */
export function metadata(ctx: RenderContext, kind: string, fields: { name: string; namespace?: string; uid?: string; createdAt: number; labels?: Record<string, string>; annotations?: Record<string, string> }): ObjectMeta {
  const meta: ObjectMeta = {
    name: fields.name,
    ...(fields.namespace !== undefined ? { namespace: fields.namespace } : {}),
    uid: fields.uid ?? derivedUid(ctx, kind, fields.namespace ?? '', fields.name),
    resourceVersion: String(ctx.state.version),
    creationTimestamp: timestamp(ctx, fields.createdAt),
  };
  if (fields.labels && Object.keys(fields.labels).length) meta.labels = { ...fields.labels };
  if (fields.annotations && Object.keys(fields.annotations).length) meta.annotations = { ...fields.annotations };
  return meta;
}

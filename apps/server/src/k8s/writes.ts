import { isDeepStrictEqual } from 'node:util';
import { networkPolicySchema } from '@hoplab/events';
import { ManifestError, planApply, SimulatorError, type Command, type LabState } from '@hoplab/simulator';
import type { KubeResource } from './catalog';
import { alreadyExists, badRequestStatus, invalid, KubeStatusError, notFoundStatus } from './status';

type Json = Record<string, any>;

/** Kinds whose objects the lab creates from manifests (planApply); the rest are read-only views. */
const writable = new Set(['pods', 'namespaces', 'services', 'networkpolicies', 'deployments']);

export function isWritable(resource: KubeResource): boolean {
  return writable.has(resource.resource);
}

function exists(state: LabState, resource: KubeResource, namespace: string | undefined, name: string): boolean {
  const key = `${namespace}/${name}`;
  switch (resource.resource) {
    case 'pods':
      return state.pods.has(key);
    case 'namespaces':
      return state.namespaces.has(name);
    case 'services':
      return state.services.has(key);
    case 'networkpolicies':
      return state.networkPolicies.has(key);
    case 'deployments':
      return state.deployments.has(key);
    default:
      return false;
  }
}

/** Unknown fields under fieldValidation=Strict, as the API server's strict decoder reports them. */
const knownFields: Record<string, string[]> = {
  '': ['apiVersion', 'kind', 'metadata', 'spec', 'status', 'data', 'binaryData', 'immutable'],
  metadata: ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields', 'selfLink'],
};
const podSpecFields = ['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector', 'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC', 'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations', 'hostAliases', 'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName', 'enableServiceLinks', 'preemptionPolicy', 'overhead', 'topologySpreadConstraints', 'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates', 'resourceClaims'];
const containerFields = ['name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty'];

const deploymentSpecFields = ['replicas', 'selector', 'template', 'strategy', 'minReadySeconds', 'revisionHistoryLimit', 'paused', 'progressDeadlineSeconds'];

export function strictDecodingErrors(resource: KubeResource, object: Json): string[] {
  const unknown: string[] = [];
  const check = (value: unknown, allowed: string[], prefix: string) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const key of Object.keys(value)) if (!allowed.includes(key)) unknown.push(`unknown field "${prefix}${key}"`);
  };
  check(object, knownFields[''], '');
  check(object.metadata, knownFields.metadata, 'metadata.');
  if (resource.resource === 'networkpolicies') {
    const shape = networkPolicySchema.safeParse({ ...object, metadata: { name: '', namespace: '' } });
    for (const issue of shape.success ? [] : shape.error.issues) {
      if (issue.code !== 'unrecognized_keys' || issue.path[0] !== 'spec') continue;
      const at = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').slice(1);
      for (const key of issue.keys) unknown.push(`unknown field "${at}.${key}"`);
    }
  }
  const checkPodSpec = (spec: Json | undefined, prefix: string) => {
    check(spec, podSpecFields, prefix);
    (Array.isArray(spec?.containers) ? spec.containers : []).forEach((c: unknown, i: number) => check(c, containerFields, `${prefix}containers[${i}].`));
  };
  if (resource.resource === 'pods') checkPodSpec(object.spec, 'spec.');
  if (resource.resource === 'deployments') {
    check(object.spec, deploymentSpecFields, 'spec.');
    check(object.spec?.template, ['metadata', 'spec'], 'spec.template.');
    checkPodSpec(object.spec?.template?.spec, 'spec.template.spec.');
  }
  return unknown;
}

/** The lab's refusals (manifest issues, simulator errors) as the Status the API server would send. */
export function asKubeStatus(error: unknown, resource: KubeResource, name: string): unknown {
  if (error instanceof ManifestError) {
    if (error.status === 400) return badRequestStatus(error.message);
    return invalid(resource, name, error.issues.map((issue) => ({ field: issue.path.replace(/^documents\[\d+\]\.?/, ''), message: issue.message })));
  }
  if (error instanceof SimulatorError) {
    if (error.code === 'not-found') return new KubeStatusError(404, 'NotFound', error.message);
    if (error.code === 'invalid') {
      // The model words some refusals as the API server does ("The Pod "app" is invalid: metadata.labels: Invalid value: ...").
      const worded = /^The \w+ ".*" is invalid: ([\w.[\]-]+): (.*)$/s.exec(error.message);
      if (worded) return invalid(resource, name, [{ field: worded[1], message: worded[2] }]);
      return invalid(resource, name, [{ field: error.path ?? '', message: `Invalid value: ${error.message}` }]);
    }
    return new KubeStatusError(409, 'Conflict', error.message);
  }
  return error;
}

function manifestOf(resource: KubeResource, object: Json) {
  return { index: 0, apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version, kind: resource.kind, object };
}

/** Commands that create `object`; 409 AlreadyExists when the name is taken. */
export function planCreate(state: LabState, resource: KubeResource, namespace: string | undefined, object: Json): Command[] {
  const name = object.metadata?.name;
  if (typeof name === 'string' && exists(state, resource, namespace, name)) throw alreadyExists(resource, name);
  return planApply(state, [manifestOf(resource, { ...object, metadata: { ...object.metadata, ...(namespace ? { namespace } : {}) } })], namespace).commands;
}

/** Commands that turn the live object into `object` (update, patch, server-side apply); [] when nothing changes. */
export function planUpdate(state: LabState, resource: KubeResource, namespace: string | undefined, name: string, object: Json): Command[] {
  if (!exists(state, resource, namespace, name)) throw notFoundStatus(resource, name);
  if (object.metadata?.name !== undefined && object.metadata.name !== name) {
    throw badRequestStatus(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
  }
  if (resource.resource === 'pods') return planPodUpdate(state, resource, namespace!, name, object);
  return planApply(state, [manifestOf(resource, { ...object, metadata: { ...object.metadata, name, ...(namespace ? { namespace } : {}) } })], namespace).commands;
}

/**
 * A pod's labels may change (`kubectl label`, a patch, apply): the rest of the pod is checked as
 * planApply checks it (immutable fields → 422) and a label change becomes the model's labelPod.
 */
function planPodUpdate(state: LabState, resource: KubeResource, namespace: string, name: string, object: Json): Command[] {
  const live = state.pods.get(`${namespace}/${name}`)!;
  const labels: unknown = object.metadata?.labels ?? {};
  const rest = planApply(state, [manifestOf(resource, { ...object, metadata: { ...object.metadata, name, namespace, labels: live.labels } })], namespace).commands;
  if (isDeepStrictEqual(labels, live.labels)) return rest;
  return [...rest, { type: 'labelPod', namespace, name, labels: labels as Record<string, string> }];
}

export function planDelete(state: LabState, resource: KubeResource, namespace: string | undefined, name: string): Command[] {
  if (!exists(state, resource, namespace, name)) throw notFoundStatus(resource, name);
  switch (resource.resource) {
    case 'pods':
      return [{ type: 'deletePod', namespace: namespace!, name }];
    case 'namespaces':
      return [{ type: 'deleteNamespace', name }];
    case 'services':
      return [{ type: 'deleteService', namespace: namespace!, name }];
    case 'deployments':
      return [{ type: 'deleteDeployment', namespace: namespace!, name }];
    default:
      return [{ type: 'deleteNetworkPolicy', namespace: namespace!, name }];
  }
}

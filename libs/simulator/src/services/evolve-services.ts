import type { LabState, PodState } from '../cluster/types';
import type { AppliedEvent } from '../model/evolve';
import { hasPodLabelIndex, indexPod, unindexPod } from './pod-index';
import { selects } from './selector';
import type { NodeProxyLog, ServiceChangeEntry } from './types';
import { serviceKey } from './types';
import type { ServiceAppliedData } from './decide-services';

/**
 * The Service and kube-proxy part of evolve(). Runs before the cluster part, so a pod about to be
 * deleted is still there: pod events that change a Service's endpoints are logged as changes.
 */
export function evolveServices(state: LabState, event: AppliedEvent): void {
  switch (event.type) {
    case 'ServiceApplied': {
      const data = event.data as ServiceAppliedData;
      const key = serviceKey(data.namespace, data.name);
      const createdAt = state.services.get(key)?.createdAt ?? event.time;
      state.services.set(key, { ...data, createdAt });
      selectingByNamespace.delete(state);
      logChange(state, event, key, 'service');
      break;
    }
    case 'ServiceDeleted': {
      const data = event.data as { namespace: string; name: string };
      const key = serviceKey(data.namespace, data.name);
      state.services.delete(key);
      selectingByNamespace.delete(state);
      logChange(state, event, key, 'deleted');
      break;
    }
    case 'IptablesChanged': {
      const data = event.data as { node: string; args: string[] };
      nodeLog(state, data.node).mutations.push({ seq: event.seq, time: event.time, args: data.args });
      break;
    }
    case 'KubeProxyRestarted':
      for (const node of (event.data as { nodes: string[] }).nodes) nodeLog(state, node).restarts.push(event.time);
      break;
    case 'PodCreated': {
      const pod = event.data as Pick<PodState, 'namespace' | 'name' | 'labels' | 'hostNetwork'>;
      indexPod(state, pod.namespace, pod.name, pod.labels);
      // hostNetwork pods run at once with the node's address; others become endpoints when attached.
      if (pod.hostNetwork) logEndpointChanges(state, event, pod);
      break;
    }
    case 'PodNetworkAttached':
    case 'PluginPodAttached':
    case 'PodNetworkDetached':
    case 'PodDeleted': {
      const data = event.data as { namespace: string; name: string };
      // Most pods are in no Service (and no index of labels is kept during a replay): nothing to look up then.
      if (selectingServices(state, data.namespace).length === 0 && (event.type !== 'PodDeleted' || !hasPodLabelIndex(state))) break;
      const pod = state.pods.get(`${data.namespace}/${data.name}`);
      const attached = event.type === 'PodNetworkAttached' || event.type === 'PluginPodAttached';
      if (pod && (attached || pod.ip !== '')) logEndpointChanges(state, event, pod);
      if (pod && event.type === 'PodDeleted') unindexPod(state, pod.namespace, pod.name, pod.labels);
      break;
    }
    case 'PodLabelsChanged': {
      const data = event.data as { namespace: string; name: string; labels: Record<string, string> };
      const pod = state.pods.get(`${data.namespace}/${data.name}`);
      if (pod) {
        unindexPod(state, pod.namespace, pod.name, pod.labels);
        indexPod(state, pod.namespace, pod.name, data.labels);
      }
      break;
    }
    case 'NodeAdded':
      // The API server's endpoints (default/kubernetes) follow the control-plane nodes.
      if ((event.data as { role: string }).role === 'control-plane') logChange(state, event, 'default/kubernetes', 'endpoints');
      break;
    case 'NodeRemoved': {
      const node = state.nodes.get((event.data as { name: string }).name);
      if (!node) break;
      if (node.role === 'control-plane') logChange(state, event, 'default/kubernetes', 'endpoints');
      for (const key of node.pods) {
        const pod = state.pods.get(key);
        if (pod && pod.ip !== '') logEndpointChanges(state, event, pod);
        if (pod) unindexPod(state, pod.namespace, pod.name, pod.labels);
      }
      state.proxy.nodes.delete(node.name);
      break;
    }
  }
}

function nodeLog(state: LabState, node: string): NodeProxyLog {
  let log = state.proxy.nodes.get(node);
  if (!log) state.proxy.nodes.set(node, (log = { restarts: [], mutations: [] }));
  return log;
}

function logChange(state: LabState, event: AppliedEvent, service: string, kind: ServiceChangeEntry['kind']): void {
  if (!state.services.has(service) && kind !== 'deleted') return;
  const changes = state.proxy.changes;
  const last = changes[changes.length - 1];
  if (last && last.seq === event.seq && last.service === service) return;
  changes.push({ seq: event.seq, time: event.time, service, kind });
}

/** Services with a selector per namespace, rebuilt after a Service event: pod events are many (150,000 pods). */
const selectingByNamespace = new WeakMap<LabState, Map<string, string[]>>();

function selectingServices(state: LabState, namespace: string): readonly string[] {
  let index = selectingByNamespace.get(state);
  if (!index) {
    index = new Map();
    for (const [key, service] of state.services) {
      if (service.selector === null) continue;
      const list = index.get(service.namespace);
      if (list) list.push(key);
      else index.set(service.namespace, [key]);
    }
    selectingByNamespace.set(state, index);
  }
  return index.get(namespace) ?? [];
}

function logEndpointChanges(state: LabState, event: AppliedEvent, pod: Pick<PodState, 'namespace' | 'labels'>): void {
  for (const key of selectingServices(state, pod.namespace)) {
    if (selects(state.services.get(key)!.selector!, pod.labels)) logChange(state, event, key, 'endpoints');
  }
}

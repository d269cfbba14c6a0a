import type { CniCall, ClusterSpec } from '@hoplab/events';
import type { LabState, NodeState, PodState } from '../cluster/types';
import type { Attachment } from '../cni/operations';
import { evolveServices } from '../services/evolve-services';
import { applyPluginNode, type PluginNodeReadyData } from '../cni/plugin-node';
import { applyDetachment, applyRoutedAttachment } from '../cni/routed-attach';
import { attached, detaching } from '../cni/node-attachments';
import { selects } from '../services/selector';
import { appliedDeployment, scaleReplicaSet, type AppliedDeployment } from './deployment-state';
import { logCniCall } from './cni-log';
import { PodAddCall, PodDelCall } from './pod-cni-calls';
import { deploymentKey, initialState, podKey, policyKey, SYSTEM_NAMESPACES } from './state';
import type { NetworkPolicy } from '../netpol/types';

/** An event as evolve() needs it: stored events and StoredEvent fit. */
export interface AppliedEvent {
  seq: number;
  type: string;
  data: unknown;
  time: number;
}

interface NodeAddedData {
  name: string;
  ip: string;
  network: string;
  podCIDR: string;
  role: 'control-plane' | 'worker';
  mac: string;
  vtepMac: string | null;
  dockerMac: string;
  ifIndex: { eth0: number; eth0Peer: number; docker0: number; vtep: number | null };
}

interface PodCreatedData {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  node: string;
  hostNetwork: boolean;
  containers: PodState['containers'];
  owner?: { kind: string; name: string };
}

/** PodNetworkAttached: the CNI ADD's decisions for one pod. */
type PodNetworkAttachedData = Attachment & { namespace: string; name: string; node: string; netns: string; requestedIp?: string };

/**
 * Applies one event, copying the decisions it records; mutates `state` in place (150,000 pods) and
 * returns it. Event types of other features are ignored here.
 */
export function evolve(state: LabState, event: AppliedEvent): LabState {
  state.version = event.seq;
  state.time = event.time;
  evolveServices(state, event);
  switch (event.type) {
    case 'LabCreated': {
      const data = event.data as { name: string; cluster: ClusterSpec };
      state.name = data.name;
      state.cluster = data.cluster;
      const names: string[] = [...SYSTEM_NAMESPACES];
      if (data.cluster.cni.plugin === 'flannel') names.push('kube-flannel');
      for (const name of names) state.namespaces.set(name, { name, labels: { 'kubernetes.io/metadata.name': name }, createdAt: event.time });
      break;
    }
    case 'NodeAdded': {
      const data = event.data as NodeAddedData;
      state.nodes.set(data.name, nodeFromEvent(data, event.time));
      break;
    }
    case 'NodeRemoved': {
      const name = (event.data as { name: string }).name;
      const node = state.nodes.get(name);
      if (node) for (const key of node.pods) state.pods.delete(key);
      state.nodes.delete(name);
      break;
    }
    case 'RouterAdded': {
      const data = event.data as LabState['routers'] extends Map<string, infer R> ? R : never;
      state.routers.set(data.name, { name: data.name, interfaces: data.interfaces, routes: data.routes });
      break;
    }
    case 'NamespaceCreated': {
      const data = event.data as { name: string; labels: Record<string, string> };
      state.namespaces.set(data.name, { name: data.name, labels: data.labels, createdAt: event.time });
      break;
    }
    case 'NamespaceDeleted':
      state.namespaces.delete((event.data as { name: string }).name);
      break;
    case 'PodCreated':
      createPod(state, event.data as PodCreatedData, event.time);
      break;
    case 'PodNetworkAttached':
      attachPod(state, event as AppliedEvent & { data: PodNetworkAttachedData });
      break;
    case 'PluginNodeReady': {
      const data = event.data as PluginNodeReadyData;
      const node = state.nodes.get(data.node);
      if (node) applyPluginNode(node, data);
      break;
    }
    case 'PluginPodAttached': {
      const data = event.data as Parameters<typeof applyRoutedAttachment>[1];
      logCniCall(applyRoutedAttachment(state, data), { time: event.time, seq: event.seq, call: data.cni });
      break;
    }
    case 'PodNetworkDetached': {
      const data = event.data as { namespace: string; name: string; cni: CniCall };
      const detached = applyDetachment(state, data);
      if (detached) logCniCall(detached.node, { time: event.time, seq: event.seq, call: data.cni });
      break;
    }
    case 'PluginChanged': {
      const { to } = event.data as { to: ClusterSpec['cni'] };
      state.cluster = { ...state.cluster, cni: to };
      if (to.plugin === 'flannel' && !state.namespaces.has('kube-flannel')) {
        state.namespaces.set('kube-flannel', { name: 'kube-flannel', labels: { 'kubernetes.io/metadata.name': 'kube-flannel' }, createdAt: event.time });
      }
      for (const node of state.nodes.values()) {
        delete node.bridge;
        delete node.vtepMac;
        delete node.pluginNet;
        node.ifIndex = { ...node.ifIndex, vtep: null };
        node.lastReservedIP = '';
      }
      break;
    }
    case 'PodDeleted':
      deletePod(state, event as AppliedEvent & { data: { namespace: string; name: string } });
      break;
    case 'NetworkPolicyApplied': {
      const { policy } = event.data as { policy: NetworkPolicy };
      const key = policyKey(policy);
      const createdAt = state.networkPolicies.get(key)?.createdAt ?? event.time;
      state.networkPolicies.set(key, { policy, createdAt, appliedSeq: event.seq });
      break;
    }
    case 'NetworkPolicyDeleted': {
      const data = event.data as { namespace: string; name: string };
      state.networkPolicies.delete(`${data.namespace}/${data.name}`);
      break;
    }
    case 'PodLabelsChanged':
      relabelPod(state, event as AppliedEvent & { data: { namespace: string; name: string; labels: Record<string, string> } });
      break;
    case 'FileStored': {
      const data = event.data as { name: string; content: string };
      state.files.set(data.name, data.content);
      break;
    }
    case 'DeploymentApplied': {
      const { action: _action, ...data } = event.data as AppliedDeployment & { action: string };
      const key = deploymentKey(data.namespace, data.name);
      state.deployments.set(key, appliedDeployment(state.deployments.get(key), data, event.time));
      break;
    }
    case 'DeploymentScaled': {
      const data = event.data as { namespace: string; name: string; replicas: number };
      const deployment = state.deployments.get(deploymentKey(data.namespace, data.name));
      if (deployment) {
        deployment.replicas = data.replicas;
        deployment.generation += 1;
      }
      break;
    }
    case 'ReplicaSetScaled': {
      const data = event.data as { namespace: string; deployment: string; name: string; hash: string; from: number; replicas: number };
      scaleReplicaSet(state.deployments.get(deploymentKey(data.namespace, data.deployment)), { ...data, seq: event.seq, time: event.time });
      break;
    }
    case 'DeploymentDeleted': {
      const data = event.data as { namespace: string; name: string };
      state.deployments.delete(deploymentKey(data.namespace, data.name));
      break;
    }
    case 'ClockChanged': {
      const data = event.data as { speed?: number; advancedBy?: number };
      if (data.speed !== undefined) state.cluster = { ...state.cluster, clock: { speed: data.speed } };
      state.time = event.time + (data.advancedBy ?? 0);
      break;
    }
  }
  return state;
}

/**
 * New labels on a pod; the Services that selected it before or select it now get an endpoints
 * change, so kube-proxy resyncs them as it does when a pod comes or goes.
 */
function relabelPod(state: LabState, event: AppliedEvent & { data: { namespace: string; name: string; labels: Record<string, string> } }): void {
  const pod = state.pods.get(`${event.data.namespace}/${event.data.name}`);
  if (!pod) return;
  const before = pod.labels;
  pod.labels = event.data.labels;
  if (pod.ip === '') return;
  for (const [key, service] of state.services) {
    if (service.namespace !== pod.namespace || service.selector === null) continue;
    if (selects(service.selector, before) || selects(service.selector, pod.labels)) {
      state.proxy.changes.push({ seq: event.seq, time: event.time, service: key, kind: 'endpoints' });
    }
  }
}

export function replay(events: Iterable<AppliedEvent>, state: LabState = initialState()): LabState {
  for (const event of events) evolve(state, event);
  return state;
}

export function nodeFromEvent(data: NodeAddedData, time: number): NodeState {
  const ifIndexes = [data.ifIndex.eth0, data.ifIndex.docker0, data.ifIndex.vtep ?? 0];
  return {
    name: data.name,
    ip: data.ip,
    network: data.network,
    podCIDR: data.podCIDR,
    role: data.role,
    createdAt: time,
    mac: data.mac,
    ...(data.vtepMac ? { vtepMac: data.vtepMac } : {}),
    dockerMac: data.dockerMac,
    ifIndex: { ...data.ifIndex },
    nextIfIndex: Math.max(...ifIndexes) + 1,
    lastReservedIP: '',
    allocated: new Map(),
    pods: new Set(),
    nextNetnsId: 1,
    cniLog: [],
  };
}

function createPod(state: LabState, data: PodCreatedData, time: number): void {
  const key = podKey(data.namespace, data.name);
  const node = state.nodes.get(data.node)!;
  const pod: PodState = new CreatedPod(data, data.hostNetwork ? node.ip : '', time);
  state.pods.set(key, pod);
  node.pods.add(key);
}

/**
 * A pod as PodCreated makes it: the fields of the object literal it was, in the same order, from a
 * constructor. V8 may pretenure an object literal (allocate it in the old generation) once it saw the
 * literal's objects live long, as they do while a lab is built or served; a deleted pod there keeps its
 * young event data alive until the next full collection, and a replay after that promoted ~3 MB more per
 * scavenge (1M-event bench lab: replay CPU +25%). Objects made by `new` are not pretenured.
 */
class CreatedPod implements PodState {
  declare namespace: string;
  declare name: string;
  declare uid: string;
  declare labels: Record<string, string>;
  declare annotations: Record<string, string>;
  declare node: string;
  declare ip: string;
  declare hostNetwork: boolean;
  declare phase: PodState['phase'];
  declare containers: PodState['containers'];
  declare createdAt: number;
  declare restarts: number;
  declare owner?: { kind: string; name: string };

  constructor(data: PodCreatedData, ip: string, time: number) {
    this.namespace = data.namespace;
    this.name = data.name;
    this.uid = data.uid;
    this.labels = data.labels;
    this.annotations = data.annotations;
    this.node = data.node;
    this.ip = ip;
    this.hostNetwork = data.hostNetwork;
    this.phase = data.hostNetwork ? 'Running' : 'Pending';
    this.containers = data.containers;
    this.createdAt = time;
    this.restarts = 0;
    if (data.owner) this.owner = data.owner;
  }
}

function attachPod(state: LabState, event: AppliedEvent & { data: PodNetworkAttachedData }): void {
  const data = event.data;
  const key = podKey(data.namespace, data.name);
  const pod = state.pods.get(key)!;
  const node = state.nodes.get(data.node)!;
  const slash = data.address.indexOf('/');
  const ip = data.address.slice(0, slash);
  detaching(node, pod);
  pod.ip = ip;
  pod.prefixLength = Number(data.address.slice(slash + 1));
  pod.gateway = data.gateway;
  pod.phase = 'Running';
  pod.mac = data.mac;
  pod.vethName = data.vethName;
  pod.vethMac = data.vethMac;
  pod.vethIndex = data.vethIndex;
  pod.containerId = data.containerId;
  pod.netns = data.netns;
  pod.netnsId = data.netnsId;
  attached(node, pod);
  node.allocated.set(ip, key);
  node.lastReservedIP = ip;
  if (data.bridge) node.bridge = { ...data.bridge };
  node.nextIfIndex = Math.max(node.nextIfIndex, data.vethIndex + 1, (data.bridge?.index ?? 0) + 1);
  node.nextNetnsId = Math.max(node.nextNetnsId, data.netnsId + 1);
  logCniCall(node, new PodAddCall(event.time, event.seq, state.cluster, node, pod.uid, data, node.bridge!));
}

function deletePod(state: LabState, event: AppliedEvent & { data: { namespace: string; name: string } }): void {
  const key = podKey(event.data.namespace, event.data.name);
  const pod = state.pods.get(key);
  if (!pod) return;
  state.pods.delete(key);
  const node = state.nodes.get(pod.node);
  if (!node) return;
  if (node.pods.delete(key)) detaching(node, pod);
  if (!pod.hostNetwork && node.allocated.get(pod.ip) === key) node.allocated.delete(pod.ip);
  // The runtime tears down the sandbox network of a pod that has one (decide's podDeletion).
  if (pod.hostNetwork || !pod.containerId) return;
  logCniCall(node, new PodDelCall(event.time, event.seq, state.cluster, node, pod, pod.containerId));
}

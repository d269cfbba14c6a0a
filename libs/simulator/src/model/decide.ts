import { isDeepStrictEqual } from 'node:util';
import { clusterSpecSchema, MAX_LAB_FILE_BYTES, networkPolicySchema } from '@hoplab/events';
import { defaultNetworkPolicy, invalidObjectMessage, validateNetworkPolicy, type NetworkPolicy } from '../netpol';
import type { LabState, NodeState, PodState } from '../cluster/types';
import type { Command, ContainerInput, DecideContext, DecidedEvent } from './commands';
import { SimulatorError } from './errors';
import { fromSnapshot, podKey, SYSTEM_NAMESPACES, toSnapshot } from './state';
import { evolve, nodeFromEvent } from './evolve';
import { KUBE_NAME_ALPHABET, minikubeNodeName, requireName } from '../cluster/names';
import { checkSameSegment, placeNodeIp, placePodCidr } from '../cluster/node-placement';
import { scheduleNode } from '../cluster/scheduler';
import { systemPods } from '../cluster/system-pods';
import { cniAdd, podCniRequest, type AddFailure } from '../cni/operations';
import { usesVxlan } from '../cni/network-config';
import { isRoutedPlugin } from '../cni/plugins';
import { applyPluginNode, pluginNodeReady } from '../cni/plugin-node';
import { reserveOnNode, routedAttach } from '../cni/routed-attach';
import { changePlugin } from '../cni/change-plugin';
import { broadcastOf, cidrContains, cidrsOverlap, parseCidr, parseIp } from '../net/ipv4';
import { Prng } from '../net/prng';
import { isQualifiedName, isValidLabelValue } from '../netpol/name-rules';
import { applyService, builtinServices, deleteService } from '../services/decide-services';
import { applyDeployment, corednsDeployment, deleteDeployment, replaceMissingPods, scaleDeployment, type PodDecisions } from './deployments';
import { decideIptables, kubeProxyPodReplacement, restartKubeProxy } from '../node-iptables/decide-node';

export const PINNED_ADDRESS_ANNOTATION = 'cni.projectcalico.org/ipAddrs';

/**
 * Turns a command into the events that record every decision it takes. Reads the state, never
 * changes it; throws SimulatorError (and decides nothing) when the lab refuses the command.
 */
export function decide(state: LabState, command: Command, _ctx: DecideContext): DecidedEvent[] {
  if (command.type === 'createLab') return createLab(state, command);
  if (state.name === '') throw new SimulatorError('invalid', 'the lab does not exist yet: createLab first');
  // Randomness is seeded by the lab and its version, so the same command on the same state decides the same.
  const prng = new Prng(`${state.name}#${state.version}`);
  switch (command.type) {
    case 'addNode':
      return addNode(state, command, prng);
    case 'removeNode':
      return removeNode(state, command.name, prng);
    case 'addRouter':
      return addRouter(state, command);
    case 'createNamespace':
      return createNamespace(state, command);
    case 'deleteNamespace':
      return deleteNamespace(state, command.name);
    case 'createPod':
      return createPod(state, command, prng);
    case 'deletePod': {
      const pod = requirePod(state, command.namespace, command.name);
      if (pod.owner?.kind === 'ReplicaSet') return replicaSetPodDeletion(state, pod, prng);
      return [podDeletion(state, pod), ...kubeProxyPodReplacement(state, pod, prng)];
    }
    case 'applyService':
      return applyService(state, command.service, prng);
    case 'deleteService':
      return deleteService(state, command.namespace, command.name);
    case 'iptables':
      return decideIptables(state, command.node, command.args, _ctx.time);
    case 'restartKubeProxy':
      return restartKubeProxy(state, command.node, prng, (pod) => podDeletion(state, pod));
    case 'changePlugin':
      return changePlugin(state, command.cni, prng, { podDeletion: (pod) => podDeletion(state, pod), attach: (draft, node, pod, random) => attach(draft, node, pod, random, undefined) });
    case 'setClock':
      return setClock(command);
    case 'storeFile':
      return storeFile(command);
    case 'restartDaemonSet':
      return restartDaemonSet(state, command.namespace, command.name, prng);
    case 'labelPod':
      return labelPod(state, command);
    case 'applyNetworkPolicy':
      return applyNetworkPolicy(state, command.policy);
    case 'deleteNetworkPolicy':
      return deleteNetworkPolicy(state, command.namespace, command.name);
    case 'applyDeployment':
      return applyDeployment(state, command.deployment, prng, podDecisions);
    case 'scaleDeployment':
      return scaleDeployment(state, command, prng, podDecisions);
    case 'deleteDeployment':
      return deleteDeployment(state, command.namespace, command.name, podDecisions);
    default:
      throw new SimulatorError('invalid', `unknown command ${(command as { type: string }).type}`, 'type');
  }
}

/**
 * `kubectl rollout restart ds`: every pod of the DaemonSet is replaced by a new one (new name and
 * uid) on the same node. kube-proxy's restart also restarts the proxy (restartKubeProxy).
 */
function restartDaemonSet(state: LabState, namespace: string, name: string, prng: Prng): DecidedEvent[] {
  if (namespace === 'kube-system' && name === 'kube-proxy') return restartKubeProxy(state, undefined, prng, (pod) => podDeletion(state, pod));
  const pods = [...state.pods.values()].filter((pod) => pod.namespace === namespace && pod.owner?.kind === 'DaemonSet' && pod.owner.name === name);
  if (pods.length === 0) throw new SimulatorError('not-found', `daemonsets.apps "${name}" not found`, 'name');
  if (pods.some((pod) => !pod.hostNetwork)) throw new SimulatorError('invalid', `the lab restarts hostNetwork DaemonSets only; ${name} is not one`, 'name');
  const taken = new Set<string>();
  const events: DecidedEvent[] = [];
  for (const pod of pods) {
    let podName: string;
    do podName = `${name}-${prng.pick(KUBE_NAME_ALPHABET, 5)}`;
    while (state.pods.has(podKey(namespace, podName)) || taken.has(podName));
    taken.add(podName);
    const { labels, annotations, node, hostNetwork, containers, owner } = pod;
    events.push(podDeletion(state, pod), { type: 'PodCreated', data: { namespace, name: podName, uid: prng.uuid(), labels, annotations, node, hostNetwork, containers, owner } });
  }
  return events;
}

function labelPod(state: LabState, command: Extract<Command, { type: 'labelPod' }>): DecidedEvent[] {
  const pod = requirePod(state, command.namespace, command.name);
  const labels = stringMap(command.labels, 'labels');
  for (const [key, value] of Object.entries(labels)) {
    const keyErrors = isQualifiedName(key);
    const valueErrors = keyErrors.length ? [] : isValidLabelValue(value);
    if (keyErrors.length || valueErrors.length) {
      const shown = keyErrors.length ? key : value;
      throw new SimulatorError('invalid', `The Pod "${pod.name}" is invalid: metadata.labels: Invalid value: "${shown}": ${[...keyErrors, ...valueErrors].join('; ')}`, `labels.${key}`);
    }
  }
  if (isDeepStrictEqual(labels, pod.labels)) return [];
  return [{ type: 'PodLabelsChanged', data: { namespace: pod.namespace, name: pod.name, labels } }];
}

function storeFile(command: Extract<Command, { type: 'storeFile' }>): DecidedEvent[] {
  const { name, content } = command;
  if (typeof name !== 'string' || name.length === 0 || name.length > 255 || name.includes('\0')) {
    throw new SimulatorError('invalid', 'a file name is 1 to 255 characters, without NUL', 'name');
  }
  if (typeof content !== 'string' || content.length > MAX_LAB_FILE_BYTES) {
    throw new SimulatorError('invalid', `a file holds at most ${MAX_LAB_FILE_BYTES} characters of text`, 'content');
  }
  return [{ type: 'FileStored', data: { name, content } }];
}

function setClock(command: Extract<Command, { type: 'setClock' }>): DecidedEvent[] {
  const { speed, advanceMs } = command;
  if (speed !== undefined && !(speed >= 0 && speed <= 1000)) throw new SimulatorError('invalid', 'speed must be between 0 and 1000', 'speed');
  if (advanceMs !== undefined && !(Number.isInteger(advanceMs) && advanceMs >= 0)) throw new SimulatorError('invalid', 'advance must be a whole, non-negative number of ms', 'advance');
  if (speed === undefined && !advanceMs) return [];
  return [{ type: 'ClockChanged', data: { ...(speed !== undefined ? { speed } : {}), ...(advanceMs ? { advancedBy: advanceMs } : {}) } }];
}

export interface PolicyAdmission {
  /** The policy as stored (defaulted); null when refused. */
  policy: NetworkPolicy | null;
  /** Kubernetes field paths ("spec.ingress[0].from[0]") and the API server's text for each. */
  issues: { path: string; message: string }[];
  /** The whole refusal as the API server words it. */
  message: string;
}

/**
 * The policy as the API server would store it: shape checked (unknown fields refused, as kubectl's
 * strict field validation does), defaulted, then validated with Kubernetes' paths and messages.
 */
export function admitNetworkPolicy(input: NetworkPolicy): PolicyAdmission {
  const shape = networkPolicySchema.safeParse(input);
  if (!shape.success) {
    const issues = shape.error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      const path = [...issue.path.map(String), ...keys.slice(0, 1)].join('.');
      return { path, message: keys.length ? `strict decoding error: unknown field "${path}"` : `Invalid value: ${issue.message}` };
    });
    return { policy: null, issues, message: issues.map((i) => (i.message.startsWith('strict') ? i.message : `${i.path}: ${i.message}`)).join(', ') };
  }
  const policy = defaultNetworkPolicy({ ...(shape.data as NetworkPolicy), apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' });
  const errors = validateNetworkPolicy(policy);
  if (errors.length) {
    return { policy: null, issues: errors.map((e) => ({ path: e.path, message: e.body })), message: invalidObjectMessage(policy.metadata.name, errors) };
  }
  return { policy, issues: [], message: '' };
}

function applyNetworkPolicy(state: LabState, input: NetworkPolicy): DecidedEvent[] {
  const { policy, issues, message } = admitNetworkPolicy(input);
  if (!policy) throw new SimulatorError('invalid', message, issues[0].path);
  const { namespace, name } = policy.metadata;
  if (!state.namespaces.has(namespace)) throw new SimulatorError('not-found', `namespaces "${namespace}" not found`, 'metadata.namespace');
  const existing = state.networkPolicies.get(`${namespace}/${name}`);
  if (existing && isDeepStrictEqual(existing.policy, policy)) return [];
  return [{ type: 'NetworkPolicyApplied', data: { policy, action: existing ? 'configured' : 'created' } }];
}

function deleteNetworkPolicy(state: LabState, namespace: string, name: string): DecidedEvent[] {
  if (!state.networkPolicies.has(`${namespace}/${name}`)) {
    throw new SimulatorError('not-found', `networkpolicies.networking.k8s.io "${name}" not found`, 'name');
  }
  return [{ type: 'NetworkPolicyDeleted', data: { namespace, name } }];
}

function createLab(state: LabState, command: Extract<Command, { type: 'createLab' }>): DecidedEvent[] {
  if (state.name !== '') throw new SimulatorError('conflict', `the lab ${state.name} already exists`);
  if (typeof command.name !== 'string' || command.name.length === 0 || command.name.length > 200) {
    throw new SimulatorError('invalid', 'a lab needs a name of 1 to 200 characters', 'name');
  }
  const parsed = clusterSpecSchema.safeParse(command.cluster ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['cluster', ...issue.path.map(String)].join('.');
    throw new SimulatorError('invalid', `${path}: ${issue.message}`, path);
  }
  const cluster = parsed.data;
  const networks = { podCIDR: parseCidr(cluster.podCIDR), serviceCIDR: parseCidr(cluster.serviceCIDR), nodeNetwork: parseCidr(cluster.nodeNetwork) };
  for (const [field, cidr] of Object.entries(networks)) {
    if (!cidr) throw new SimulatorError('invalid', `cluster.${field}: ${cluster[field as keyof typeof networks]} has host bits set or is malformed`, `cluster.${field}`);
  }
  if (cluster.nodeCIDRMaskSize < networks.podCIDR!.prefix) {
    throw new SimulatorError('invalid', `cluster.nodeCIDRMaskSize: /${cluster.nodeCIDRMaskSize} per node is larger than the pod CIDR ${cluster.podCIDR}`, 'cluster.nodeCIDRMaskSize');
  }
  const pairs: [keyof typeof networks, keyof typeof networks][] = [['podCIDR', 'serviceCIDR'], ['podCIDR', 'nodeNetwork'], ['serviceCIDR', 'nodeNetwork']];
  for (const [a, b] of pairs) {
    if (cidrsOverlap(networks[a]!, networks[b]!)) {
      throw new SimulatorError('invalid', `cluster.${b}: ${cluster[b]} overlaps cluster.${a} ${cluster[a]}`, `cluster.${b}`);
    }
  }
  return [{ type: 'LabCreated', data: { name: command.name, cluster } }, ...builtinServices(cluster, new Prng(`${command.name}#0`))];
}

function addNode(state: LabState, command: Extract<Command, { type: 'addNode' }>, prng: Prng): DecidedEvent[] {
  const name = command.name ?? nextMinikubeName(state);
  requireName('Node', name, 'subdomain');
  if (state.nodes.has(name)) throw new SimulatorError('conflict', `nodes "${name}" already exists`, 'name');
  const { ip, network } = placeNodeIp(state, command.ip);
  checkSameSegment(state, name, network);
  const podCIDR = placePodCidr(state, command.podCIDR);
  const hasControlPlane = [...state.nodes.values()].some((node) => node.role === 'control-plane');
  const role = command.role ?? (hasControlPlane ? 'worker' : 'control-plane');
  if (role !== 'control-plane' && role !== 'worker') throw new SimulatorError('invalid', `role must be control-plane or worker, not ${String(role)}`, 'role');
  const vxlan = usesVxlan(state);
  const nodeAdded = {
    name,
    ip,
    network,
    podCIDR,
    role,
    // Docker derives a container's MAC from its IPv4 address (02:42:c0:a8:31:03 for 192.168.49.3).
    mac: dockerMac(ip),
    vtepMac: vxlan ? prng.mac() : null,
    dockerMac: `02:42:${prng.mac().slice(6)}`,
    ifIndex: { eth0: 3, eth0Peer: 2 * state.nodes.size + 5, docker0: 4, vtep: vxlan ? 5 : null },
  };
  const events: DecidedEvent[] = [{ type: 'NodeAdded', data: nodeAdded }];
  const draft = nodeFromEvent(nodeAdded, state.time);
  const pluginReady = isRoutedPlugin(state.cluster.cni.plugin) ? pluginNodeReady(state, draft, prng) : undefined;
  if (pluginReady) {
    events.push({ type: 'PluginNodeReady', data: pluginReady });
    applyPluginNode(draft, pluginReady);
  }
  const { hostNetwork, coredns, podNetwork } = systemPods(state, { name, role }, prng, () => prng.uuid());
  for (const pod of hostNetwork) events.push({ type: 'PodCreated', data: pod });
  if (coredns) {
    // A control plane added again after the first one left: its coredns pod stays outside the old Deployment.
    if (!state.deployments.has('kube-system/coredns')) events.push(...corednsDeployment(state, coredns));
    events.push({ type: 'PodCreated', data: coredns });
    events.push(attach(state, draft, coredns, prng, undefined));
  }
  for (const pod of podNetwork) {
    // The first pod-network pod's addresses and indexes are taken before the next one's ADD.
    const previous = events.at(-1)!;
    if (previous.type === 'PluginPodAttached') reserveOnNode(draft, previous.data as Parameters<typeof reserveOnNode>[1]);
    events.push({ type: 'PodCreated', data: pod }, attach(state, draft, pod, prng, undefined));
  }
  return events;
}

function nextMinikubeName(state: LabState): string {
  for (let index = 1; ; index++) {
    const name = minikubeNodeName(index);
    if (!state.nodes.has(name)) return name;
  }
}

function dockerMac(ip: string): string {
  return `02:42:${ip.split('.').map((octet) => Number(octet).toString(16).padStart(2, '0')).join(':')}`;
}

function removeNode(state: LabState, name: string, prng: Prng): DecidedEvent[] {
  const node = state.nodes.get(name);
  if (!node) throw new SimulatorError('not-found', `nodes "${name}" not found`, 'name');
  const events = [...node.pods].map((key) => podDeletion(state, state.pods.get(key)!));
  events.push({ type: 'NodeRemoved', data: { name } });
  // The node's Deployment pods are made again elsewhere (the Node object is gone, its pods are collected at once).
  const replicated = [...node.pods].some((key) => state.pods.get(key)?.owner?.kind === 'ReplicaSet');
  return replicated ? withReplacements(state, events, prng) : events;
}

function addRouter(state: LabState, command: Extract<Command, { type: 'addRouter' }>): DecidedEvent[] {
  requireName('Router', command.name, 'label');
  if (state.routers.has(command.name)) throw new SimulatorError('conflict', `routers "${command.name}" already exists`, 'name');
  if (!Array.isArray(command.interfaces) || command.interfaces.length === 0) {
    throw new SimulatorError('invalid', 'a router needs at least one interface', 'interfaces');
  }
  const taken = new Map<number, string>();
  for (const node of state.nodes.values()) taken.set(parseIp(node.ip)!, `node ${node.name}`);
  for (const router of state.routers.values()) for (const iface of router.interfaces) taken.set(parseIp(iface.ip)!, `router ${router.name}`);
  const networks = command.interfaces.map((iface, i) => {
    const ip = parseIp(iface.ip);
    const network = parseCidr(iface.network);
    if (ip === undefined) throw new SimulatorError('invalid', `interfaces[${i}].ip: "${iface.ip}" is not an IPv4 address`, `interfaces.${i}.ip`);
    if (!network) throw new SimulatorError('invalid', `interfaces[${i}].network: "${iface.network}" is not a network CIDR`, `interfaces.${i}.network`);
    if (!cidrContains(network, ip) || ip === network.network || ip === broadcastOf(network)) {
      throw new SimulatorError('invalid', `interfaces[${i}].ip: ${iface.ip} is not a host address of ${iface.network}`, `interfaces.${i}.ip`);
    }
    const holder = taken.get(ip);
    if (holder) throw new SimulatorError('conflict', `interfaces[${i}].ip: ${iface.ip} is already used by ${holder}`, `interfaces.${i}.ip`);
    taken.set(ip, `router ${command.name}`);
    return network;
  });
  for (const [i, route] of (command.routes ?? []).entries()) {
    if (!parseCidr(route.dst)) throw new SimulatorError('invalid', `routes[${i}].dst: "${route.dst}" is not a network CIDR`, `routes.${i}.dst`);
    const via = parseIp(route.via);
    if (via === undefined) throw new SimulatorError('invalid', `routes[${i}].via: "${route.via}" is not an IPv4 address`, `routes.${i}.via`);
    if (!networks.some((network) => cidrContains(network, via))) {
      throw new SimulatorError('invalid', `routes[${i}].via: ${route.via} is not on any network of router ${command.name} (Nexthop has invalid gateway)`, `routes.${i}.via`);
    }
  }
  return [
    {
      type: 'RouterAdded',
      data: {
        name: command.name,
        interfaces: command.interfaces.map(({ ip, network }) => ({ ip, network })),
        routes: (command.routes ?? []).map(({ dst, via }) => ({ dst, via })),
      },
    },
  ];
}

function createNamespace(state: LabState, command: Extract<Command, { type: 'createNamespace' }>): DecidedEvent[] {
  requireName('Namespace', command.name, 'label');
  if (state.namespaces.has(command.name)) throw new SimulatorError('conflict', `namespaces "${command.name}" already exists`, 'name');
  const labels = stringMap(command.labels, 'labels');
  // The API server adds this label to every namespace (Kubernetes ≥ 1.21).
  return [{ type: 'NamespaceCreated', data: { name: command.name, labels: { ...labels, 'kubernetes.io/metadata.name': command.name } } }];
}

function deleteNamespace(state: LabState, name: string): DecidedEvent[] {
  if (!state.namespaces.has(name)) throw new SimulatorError('not-found', `namespaces "${name}" not found`, 'name');
  if ((SYSTEM_NAMESPACES as readonly string[]).includes(name) && name !== 'kube-node-lease') {
    throw new SimulatorError('invalid', `namespaces "${name}" is forbidden: this namespace may not be deleted`, 'name');
  }
  const events: DecidedEvent[] = [];
  for (const pod of state.pods.values()) if (pod.namespace === name) events.push(podDeletion(state, pod));
  for (const service of state.services.values()) if (service.namespace === name) events.push({ type: 'ServiceDeleted', data: { namespace: name, name: service.name } });
  for (const deployment of state.deployments.values()) {
    if (deployment.namespace === name) events.push({ type: 'DeploymentDeleted', data: { namespace: name, name: deployment.name } });
  }
  for (const { policy } of state.networkPolicies.values()) {
    if (policy.metadata.namespace === name) events.push({ type: 'NetworkPolicyDeleted', data: { namespace: name, name: policy.metadata.name } });
  }
  events.push({ type: 'NamespaceDeleted', data: { name } });
  return events;
}

function createPod(state: LabState, command: Extract<Command, { type: 'createPod' }>, prng: Prng, owner?: { kind: string; name: string }): DecidedEvent[] {
  if (!state.namespaces.has(command.namespace)) throw new SimulatorError('not-found', `namespaces "${command.namespace}" not found`, 'namespace');
  const name = requireName('Pod', command.name, 'subdomain');
  if (state.pods.has(podKey(command.namespace, name))) throw new SimulatorError('conflict', `pods "${name}" already exists`, 'name');
  const labels = stringMap(command.labels, 'labels');
  const annotations = stringMap(command.annotations, 'annotations');
  const containers = validateContainers(command.containers);
  const hostNetwork = command.hostNetwork === true;
  const pinned = pinnedAddress(annotations, hostNetwork);
  const node = chooseNode(state, command.nodeName, pinned);
  const created = { namespace: command.namespace, name, uid: prng.uuid(), labels, annotations, node: node.name, hostNetwork, containers, ...(owner ? { owner } : {}) };
  if (hostNetwork) return [{ type: 'PodCreated', data: created }];
  return [{ type: 'PodCreated', data: created }, attach(state, node, created, prng, pinned)];
}

const podDecisions: PodDecisions = { createPod, podDeletion, validateContainers };

/** A Deployment's pod deleted: its ReplicaSet replaces it, decided on a draft without it. */
function replicaSetPodDeletion(state: LabState, pod: PodState, prng: Prng): DecidedEvent[] {
  return withReplacements(state, [podDeletion(state, pod)], prng);
}

/** `events`, then the pods the ReplicaSets create for those the events removed. */
function withReplacements(state: LabState, events: DecidedEvent[], prng: Prng): DecidedEvent[] {
  const draft = fromSnapshot(toSnapshot(state), { owned: true });
  for (const event of events) evolve(draft, { seq: draft.version + 1, type: event.type, data: event.data, time: draft.time });
  return [...events, ...replaceMissingPods(draft, prng, podDecisions)];
}

function attach(state: LabState, node: NodeState, pod: Pick<PodState, 'namespace' | 'name' | 'uid'>, prng: Prng, pinned: string | undefined): DecidedEvent {
  if (isRoutedPlugin(state.cluster.cni.plugin)) return routedAttach(state, node, pod, prng, pinned, PINNED_ADDRESS_ANNOTATION);
  const containerId = prng.hex(64);
  const netns = `/proc/${1000 + prng.below(4_000_000)}/ns/net`;
  const outcome = cniAdd(state, node, podCniRequest(pod, containerId, netns, pinned), prng);
  if (!outcome.ok) {
    const msg = String(outcome.call.stdout?.msg);
    const why =
      pinned === undefined
        ? ''
        : outcome.reason === 'outside'
          ? ` (the pinned address ${pinned} of ${PINNED_ADDRESS_ANNOTATION} is outside node ${node.name}'s podCIDR ${node.podCIDR})`
          : outcome.reason === 'in-use'
            ? ` (the pinned address ${pinned} is in use by ${node.allocated.get(pinned)})`
            : outcome.reason === 'gateway'
              ? ` (the pinned address ${pinned} is the gateway of ${node.podCIDR}, on the bridge)`
              : '';
    throw new SimulatorError(
      failureCode[outcome.reason],
      `pod ${pod.namespace}/${pod.name} on node ${node.name}: CNI ADD failed: ${msg}${why}`,
      pinned === undefined ? undefined : `annotations.${PINNED_ADDRESS_ANNOTATION}`,
      outcome.call,
    );
  }
  // The call itself is not stored: evolve derives it from these decisions.
  const requested = pinned === undefined ? {} : { requestedIp: pinned };
  return { type: 'PodNetworkAttached', data: { namespace: pod.namespace, name: pod.name, node: node.name, ...outcome.attachment, netns, ...requested } };
}

const failureCode: Record<AddFailure, SimulatorError['code']> = {
  exhausted: 'exhausted',
  'in-use': 'conflict',
  gateway: 'conflict',
  duplicate: 'conflict',
  outside: 'invalid',
  malformed: 'invalid',
};

function chooseNode(state: LabState, nodeName: string | undefined, pinned: string | undefined): NodeState {
  if (nodeName !== undefined) {
    const node = state.nodes.get(nodeName);
    if (!node) throw new SimulatorError('not-found', `nodes "${nodeName}" not found`, 'nodeName');
    return node;
  }
  if (pinned !== undefined) {
    const ip = parseIp(pinned)!;
    for (const node of state.nodes.values()) if (cidrContains(parseCidr(node.pluginNet?.podRange ?? node.podCIDR)!, ip)) return node;
    throw new SimulatorError('invalid', `no node's podCIDR contains the pinned address ${pinned} (${PINNED_ADDRESS_ANNOTATION})`, `annotations.${PINNED_ADDRESS_ANNOTATION}`);
  }
  const node = scheduleNode(state);
  if (!node) throw new SimulatorError('invalid', 'no node to schedule the pod on: add a node first', 'nodeName');
  return node;
}

function pinnedAddress(annotations: Record<string, string>, hostNetwork: boolean): string | undefined {
  const raw = annotations[PINNED_ADDRESS_ANNOTATION];
  if (raw === undefined) return undefined;
  const path = `annotations.${PINNED_ADDRESS_ANNOTATION}`;
  if (hostNetwork) throw new SimulatorError('invalid', `${PINNED_ADDRESS_ANNOTATION} cannot pin an address of a hostNetwork pod: it uses the node's address`, path);
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list) || list.length !== 1 || typeof list[0] !== 'string' || parseIp(list[0]) === undefined) {
    throw new SimulatorError('invalid', `${PINNED_ADDRESS_ANNOTATION} must be a JSON list with one IPv4 address, e.g. '["10.10.10.1"]', not ${raw}`, path);
  }
  return list[0];
}

function validateContainers(containers: ContainerInput[] | undefined): PodState['containers'] {
  if (!Array.isArray(containers) || containers.length === 0) throw new SimulatorError('invalid', 'spec.containers: Required value', 'containers');
  const names = new Set<string>();
  return containers.map((container, i) => {
    const path = `containers.${i}`;
    requireName('Container', container.name, 'label', `${path}.name`);
    if (names.has(container.name)) throw new SimulatorError('invalid', `spec.containers[${i}].name: Duplicate value: "${container.name}"`, `${path}.name`);
    names.add(container.name);
    if (typeof container.image !== 'string' || container.image.trim() === '') {
      throw new SimulatorError('invalid', `spec.containers[${i}].image: Required value`, `${path}.image`);
    }
    const ports = (container.ports ?? []).map((port, j) => {
      if (!Number.isInteger(port.containerPort) || port.containerPort < 1 || port.containerPort > 65535) {
        throw new SimulatorError('invalid', `spec.containers[${i}].ports[${j}].containerPort: Invalid value: ${port.containerPort}: must be between 1 and 65535, inclusive`, `${path}.ports.${j}.containerPort`);
      }
      const protocol = port.protocol ?? 'TCP';
      if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) {
        throw new SimulatorError('invalid', `spec.containers[${i}].ports[${j}].protocol: Unsupported value: "${protocol}": supported values: "SCTP", "TCP", "UDP"`, `${path}.ports.${j}.protocol`);
      }
      return { ...(port.name ? { name: port.name } : {}), containerPort: port.containerPort, protocol };
    });
    return {
      name: container.name,
      image: container.image,
      ports,
      ...(container.command ? { command: [...container.command] } : {}),
      ...(container.args ? { args: [...container.args] } : {}),
      ...(container.env ? { env: container.env.map(({ name, value }) => ({ name, value })) } : {}),
    };
  });
}

function stringMap(value: Record<string, string> | undefined, path: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SimulatorError('invalid', `${path} must be a map of strings`, path);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') throw new SimulatorError('invalid', `${path}.${key} must be a string`, `${path}.${key}`);
  }
  return { ...value };
}

function requirePod(state: LabState, namespace: string, name: string): PodState {
  const pod = state.pods.get(podKey(namespace, name));
  if (!pod) throw new SimulatorError('not-found', `pods "${name}" not found`, 'name');
  return pod;
}

/** The CNI DEL of a pod with a sandbox network is derived by evolve from the pod it deletes. */
function podDeletion(_state: LabState, pod: PodState): DecidedEvent {
  return { type: 'PodDeleted', data: { namespace: pod.namespace, name: pod.name } };
}

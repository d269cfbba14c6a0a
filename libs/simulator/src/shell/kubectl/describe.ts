import type { LabState, PodState } from '../../cluster/types';
import { serviceEndpoints } from '../../services/endpoints';
import type { ServiceState } from '../../services/types';
import { age, alignTabs, daemonSets, kubectlDescribeConfigMap, kubectlDescribeNetworkPolicy, kubectlDescribeSettings, replicaSets } from '../../views';
import { scalingMessage } from '../../model/deployment-state';
import { describeDaemonSet, describeDeployment, describeEndpoints, describeReplicaSet, type PodCounts } from './describe-objects';
import { rfc1123z } from '../time-format';
import { printed, type Invocation, type Printed } from '../types';
import { qualifiedPlural } from './errors';
import { type ParsedFlags } from './flags';
import { namespaceOf, targets } from './get';
import { describeNode } from './describe-node';
import { configMaps } from './tables';

/** `kubectl describe TYPE [NAME...]`: pods, configmaps and networkpolicies in kubectl's layout. */
export function kubectlDescribe(call: Invocation, parsed: ParsedFlags): Printed {
  const found = targets(parsed.positional, 'describe');
  if ('kind' in found) return found;
  const namespace = namespaceOf(parsed);
  const blocks: string[] = [];
  let stderr = '';
  for (const { info, names } of found) {
    const wanted = names.length > 0 ? names : allNames(call.state, info.type, namespace);
    for (const name of wanted) {
      const one = describeOne(call, info.type, namespace, name);
      if (one.exitCode === 0) blocks.push(one.stdout);
      else stderr += one.stderr;
    }
  }
  // kubectl separates described objects with a blank line.
  return printed(blocks.join('\n\n'), stderr, stderr && blocks.length === 0 ? 1 : 0);
}

function allNames(state: LabState, type: string, namespace: string): string[] {
  if (type === 'services') return [...state.services.values()].filter((svc) => svc.namespace === namespace).map((svc) => svc.name).sort();
  if (type === 'namespaces') return [...state.namespaces.keys()].sort();
  if (type === 'nodes') return [...state.nodes.keys()].sort();
  if (type === 'pods') return [...state.pods.values()].filter((p) => p.namespace === namespace).map((p) => p.name).sort();
  if (type === 'configmaps') return configMaps(state, namespace).map((c) => c.name);
  if (type === 'daemonsets') return daemonSets(state, namespace).map((ds) => ds.name);
  if (type === 'endpoints') return [...state.services.values()].filter((svc) => svc.namespace === namespace && svc.selector).map((svc) => svc.name).sort();
  if (type === 'deployments') return [...state.deployments.values()].filter((d) => d.namespace === namespace).map((d) => d.name).sort();
  if (type === 'replicasets') return replicaSets(state, namespace).map((rs) => rs.name);
  if (type === 'networkpolicies') return [...state.networkPolicies.values()].filter((e) => e.policy.metadata.namespace === namespace).map((e) => e.policy.metadata.name).sort();
  return [];
}

function describeOne(call: Invocation, type: string, namespace: string, name: string): Printed {
  const { state, env } = call;
  switch (type) {
    case 'pods': {
      const pod = state.pods.get(`${namespace}/${name}`);
      if (!pod) break;
      return printed(describePod(state, pod, env.epochMs, env.now));
    }
    case 'configmaps': {
      const view = kubectlDescribeConfigMap(state, name, namespace);
      return { kind: 'printed', ...view };
    }
    case 'networkpolicies': {
      const view = kubectlDescribeNetworkPolicy(state, name, namespace, { labStartedAt: env.epochMs });
      return { kind: 'printed', ...view };
    }
    case 'nodes': {
      const node = state.nodes.get(name);
      if (!node) break;
      return printed(describeNode(state, node, env.epochMs, env.now));
    }
    case 'services': {
      const service = state.services.get(`${namespace}/${name}`);
      if (!service) break;
      return printed(describeService(state, service));
    }
    case 'namespaces': {
      const ns = state.namespaces.get(name);
      if (!ns) break;
      return printed(alignTabs(`Name:\t${ns.name}\n${labelLines('Labels', ns.labels)}Annotations:\t<none>\nStatus:\tActive\n\nNo resource quota.\n\nNo LimitRange resource.\n`, kubectlDescribeSettings));
    }
    case 'daemonsets':
    case 'endpoints':
    case 'deployments':
    case 'replicasets':
      return describeRendered(call, type, namespace, name);
    default:
      return { kind: 'printed', stdout: '', stderr: `error: the lab's kubectl describes pods, nodes, services, endpoints, namespaces, configmaps, networkpolicies, daemonsets, deployments and replicasets, not ${type}\n`, exitCode: 1 };
  }
  return { kind: 'printed', stdout: '', stderr: `Error from server (NotFound): ${qualifiedPlural(type)} "${name}" not found\n`, exitCode: 1 };
}

const labelLines = (title: string, map: Record<string, string>) => {
  const keys = Object.keys(map).sort();
  if (keys.length === 0) return `${title}:\t<none>\n`;
  return keys.map((k, i) => `${i === 0 ? `${title}:` : ''}\t${k}=${map[k]}\n`).join('');
};

/** kubectl's PodDescriber for the pods the lab runs (one container each, no volumes). */
export function describePod(state: LabState, pod: PodState, epochMs: number, now: number): string {
  const node = state.nodes.get(pod.node);
  const started = rfc1123z(epochMs + pod.createdAt);
  const running = pod.phase === 'Running';
  let text = `Name:\t${pod.name}\nNamespace:\t${pod.namespace}\nPriority:\t0\nService Account:\tdefault\n`;
  text += `Node:\t${node ? `${node.name}/${node.ip}` : '<none>'}\nStart Time:\t${started}\n`;
  text += labelLines('Labels', pod.labels) + labelLines('Annotations', pod.annotations);
  text += `Status:\t${pod.phase}\nIP:\t${pod.ip}\nIPs:\n`;
  text += pod.ip ? `  IP:\t${pod.ip}\n` : '  <none>\n';
  text += 'Containers:\n';
  for (const container of pod.containers) {
    text += `  ${container.name}:\n`;
    if (running) text += `    Container ID:\tdocker://${containerId(pod, container.name)}\n`;
    text += `    Image:\t${container.image}\n`;
    if (running) text += `    Image ID:\tdocker-pullable://${container.image.split(':')[0]}@sha256:${'0'.repeat(64)}\n`;
    const port = container.ports[0];
    text += `    Port:\t${port ? `${port.containerPort}/${port.protocol}` : '<none>'}\n    Host Port:\t${port ? `0/${port.protocol}` : '<none>'}\n`;
    if (container.command?.length) text += `    Command:\n${container.command.map((c) => `      ${c}\n`).join('')}`;
    if (container.args?.length) text += `    Args:\n${container.args.map((a) => `      ${a}\n`).join('')}`;
    text += running ? `    State:\tRunning\n      Started:\t${started}\n    Ready:\tTrue\n` : `    State:\tWaiting\n      Reason:\tContainerCreating\n    Ready:\tFalse\n`;
    text += `    Restart Count:\t${pod.restarts}\n`;
    text += container.env?.length ? `    Environment:\n${container.env.map((e) => `      ${e.name}:\t${e.value}\n`).join('')}` : '    Environment:\t<none>\n';
    text += '    Mounts:\t<none>\n';
  }
  const ready = running ? 'True' : 'False';
  text += 'Conditions:\n  Type\tStatus\n';
  for (const [type, status] of [['PodReadyToStartContainers', running ? 'True' : 'False'], ['Initialized', 'True'], ['Ready', ready], ['ContainersReady', ready], ['PodScheduled', 'True']]) {
    text += `  ${type} \t${status} \n`;
  }
  text += 'Volumes:\t<none>\nQoS Class:\tBestEffort\nNode-Selectors:\t<none>\nTolerations:\t<none>\n';
  const image = pod.containers[0]?.image ?? '';
  const eventAge = age(now, pod.createdAt);
  const events = [['Scheduled', 'default-scheduler', `Successfully assigned ${pod.namespace}/${pod.name} to ${pod.node}`]];
  if (running) {
    events.push(['Pulling', 'kubelet', `Pulling image "${image}"`], ['Pulled', 'kubelet', `Successfully pulled image "${image}" in 1.2s`]);
    for (const c of pod.containers) events.push(['Created', 'kubelet', `Created container ${c.name}`], ['Started', 'kubelet', `Started container ${c.name}`]);
  }
  text += 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n';
  text += events.map(([reason, from, message]) => `  Normal\t${reason}\t${eventAge}\t${from}\t${message}\n`).join('');
  return alignTabs(text, kubectlDescribeSettings);
}

/** kubectl's ServiceDescriber (1.32: endpoints from the EndpointSlices, shown as ip:port). */
export function describeService(state: LabState, service: ServiceState): string {
  let text = `Name:\t${service.name}\nNamespace:\t${service.namespace}\n${labelLines('Labels', service.labels)}Annotations:\t<none>\n`;
  const selector = service.selector ? Object.keys(service.selector).sort().map((k) => `${k}=${service.selector![k]}`).join(',') : '<none>';
  text += `Selector:\t${selector || '<none>'}\nType:\t${service.type}\nIP Family Policy:\tSingleStack\nIP Families:\tIPv4\nIP:\t${service.clusterIP}\nIPs:\t${service.clusterIP}\n`;
  const endpoints = serviceEndpoints(state, service);
  for (const [i, port] of service.ports.entries()) {
    text += `Port:\t${port.name || '<unset>'}  ${port.port}/${port.protocol}\n`;
    text += `TargetPort:\t${port.targetPort}/${port.protocol}\n`;
    if (port.nodePort) text += `NodePort:\t${port.name || '<unset>'}  ${port.nodePort}/${port.protocol}\n`;
    const addresses = endpoints[i]?.addresses.map((a) => `${a.address.ip}:${a.port}`) ?? [];
    text += `Endpoints:\t${addresses.length ? addresses.join(',') : '<none>'}\n`;
  }
  text += `Session Affinity:\t${service.sessionAffinity}\n`;
  if (service.externalTrafficPolicy) text += `External Traffic Policy:\t${service.externalTrafficPolicy}\n`;
  text += `Internal Traffic Policy:\t${service.internalTrafficPolicy}\nEvents:\t<none>\n`;
  return alignTabs(text, kubectlDescribeSettings);
}

/** A container ID derived from the pod's sandbox ID: 64 hex digits, stable for the pod. */
function containerId(pod: PodState, container: string): string {
  const seed = `${pod.containerId ?? pod.uid}/${container}`;
  let hex = '';
  let h = 0x811c9dc5;
  for (let round = 0; hex.length < 64; round++) {
    for (const ch of `${seed}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  return hex.slice(0, 64);
}

/** A Kubernetes object as the lab's API renders it: plain JSON, read field by field as kubectl's describers do. */
type RenderedObject = Record<string, any>;

/** Pods by phase, as kubectl counts a controller's pods for "Pods Status". */
function podCounts(pods: PodState[]): PodCounts {
  const count = (phase: PodState['phase']) => pods.filter((p) => p.phase === phase).length;
  return { running: count('Running'), waiting: count('Pending'), succeeded: count('Succeeded'), failed: count('Failed') };
}

/**
 * Kinds described from the object the lab's Kubernetes API renders (ShellEnv.objects), so the shell
 * prints what the real kubectl prints for the same lab.
 */
function describeRendered(call: Invocation, type: string, namespace: string, name: string): Printed {
  const notFound = (): Printed => ({ kind: 'printed', stdout: '', stderr: `Error from server (NotFound): ${qualifiedPlural(type)} "${name}" not found\n`, exitCode: 1 });
  const render = call.env.objects;
  if (!render) return { kind: 'printed', stdout: '', stderr: `error: the lab's kubectl describes ${type} through the lab's Kubernetes API only\n`, exitCode: 1 };
  const object = render(call.state, type, namespace, name) as RenderedObject | undefined;
  if (!object) return notFound();
  const pods = [...call.state.pods.values()].filter((p) => p.namespace === namespace);
  switch (type) {
    case 'daemonsets':
      return printed(describeDaemonSet(object, podCounts(pods.filter((p) => p.owner?.kind === 'DaemonSet' && p.owner.name === name))));
    case 'replicasets':
      return printed(describeReplicaSet(object, podCounts(pods.filter((p) => p.owner?.kind === 'ReplicaSet' && p.owner.name === name))));
    case 'deployments': {
      const deployment = call.state.deployments.get(`${namespace}/${name}`)!;
      const sets = replicaSets(call.state, namespace).filter((rs) => rs.deployment === deployment);
      const rendered = (rsName: string) => render(call.state, 'replicasets', namespace, rsName) as RenderedObject;
      const current = sets.filter((rs) => rs.rs.hash === deployment.podTemplateHash).map((rs) => rendered(rs.name));
      const old = sets.filter((rs) => rs.rs.hash !== deployment.podTemplateHash).map((rs) => rendered(rs.name));
      const events = deployment.scalings.map((scaling) => ({ age: age(call.env.now, scaling.time), reason: 'ScalingReplicaSet', from: 'deployment-controller', message: scalingMessage(scaling) }));
      return printed(describeDeployment(object, old, current, events));
    }
    default:
      return printed(describeEndpoints(object));
  }
}

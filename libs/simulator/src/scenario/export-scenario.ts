import { stringify } from 'yaml';
import type { DeploymentState, LabState, PodState } from '../cluster/types';
import { deploymentPods } from '../model/deployments';
import { applyCommand } from '../model/apply';
import { PINNED_ADDRESS_ANNOTATION } from '../model/decide';
import { initialState } from '../model/state';
import type { ServiceState } from '../services/types';
import type { ScenarioInput } from './schema';

/**
 * A scenario that rebuilds `state`: its cluster, nodes and routers, its files, then apply steps
 * with every object the user made (namespaces, pods with their addresses pinned, Services with
 * their cluster IPs and node ports, NetworkPolicies, Deployments (their pods are made again by their
 * ReplicaSets, with new names); namespaces in a step before them) and the clock's advance. Objects the cluster
 * makes itself (system namespaces and pods, the kubernetes and kube-dns Services) are left to it.
 * The users' iptables commands follow at the simulated times they ran, then the clock goes on to
 * the lab's time (kube-proxy's resyncs in between happen again).
 */
export function exportScenario(state: LabState): ScenarioInput {
  const base = clusterOnly(state);
  const namespaces = [...state.namespaces.values()].filter((ns) => !base.namespaces.has(ns.name));
  const deployments = [...state.deployments.entries()].filter(([key]) => !base.deployments.has(key)).map(([, deployment]) => deployment);
  // A Deployment's pods are its ReplicaSet's to make again: the Deployment is exported, not them.
  const owned = new Set(deployments.flatMap((d) => deploymentPods(state, d.namespace, d.name)));
  const pods = [...state.pods.entries()].filter(([key, pod]) => !base.pods.has(key) && !owned.has(pod)).map(([, pod]) => pod);
  const services = [...state.services.entries()].filter(([key]) => !base.services.has(key)).map(([, service]) => service);
  const namespaceManifests = namespaces.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, ...nonEmpty('labels', ns.labels) } }));
  const manifests = [
    ...[...state.networkPolicies.values()].map(({ policy }) => ({ ...policy, apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' })),
    ...services.map(serviceManifest),
    ...pods.map(podManifest),
    ...deployments.map(deploymentManifest),
  ];
  return {
    name: state.name,
    cluster: state.cluster,
    nodes: [...state.nodes.values()].map(({ name, ip, podCIDR, role }) => ({ name, ip, podCIDR, role })),
    routers: [...state.routers.values()].map(({ name, interfaces, routes }) => ({ name, interfaces, routes })),
    files: [...state.files].map(([name, content]) => ({ name, content })),
    // Namespaces first, in a step of their own: the objects in them are planned against the lab as it is.
    steps: [...chunks(namespaceManifests).map((apply) => ({ apply })), ...chunks(manifests).map((apply) => ({ apply })), ...timeline(state)],
  };
}

/** The same export as a scenario file. */
export function exportScenarioYaml(state: LabState): string {
  return stringify(exportScenario(state), { lineWidth: 0 });
}

/** The lab as its cluster, nodes and routers alone make it: what an import recreates by itself. */
function clusterOnly(state: LabState): LabState {
  const base = initialState();
  applyCommand(base, { type: 'createLab', name: state.name, cluster: state.cluster });
  for (const { name, ip, podCIDR, role } of state.nodes.values()) applyCommand(base, { type: 'addNode', name, ip, podCIDR, role });
  for (const { name, interfaces, routes } of state.routers.values()) applyCommand(base, { type: 'addRouter', name, interfaces, routes });
  return base;
}

type Step = NonNullable<ScenarioInput['steps']>[number];

function timeline(state: LabState): Step[] {
  const runs = [...state.proxy.nodes].flatMap(([node, log]) => log.mutations.map((mutation) => ({ node, ...mutation }))).sort((a, b) => a.seq - b.seq);
  const steps: Step[] = [];
  let time = 0;
  const advanceTo = (target: number) => {
    if (target > time) steps.push({ advance: `${target - time}ms` });
    time = Math.max(time, target);
  };
  for (const run of runs) {
    advanceTo(run.time);
    steps.push({ run: ['iptables', ...run.args].map(shellQuote).join(' '), context: `node/${run.node}` });
  }
  advanceTo(state.time);
  return steps;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,+@%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** kubectl apply takes at most 500 objects at once (parseManifests' limit): one step per slice. */
const OBJECTS_PER_STEP = 500;
function chunks<T>(items: T[]): T[][] {
  return Array.from({ length: Math.ceil(items.length / OBJECTS_PER_STEP) }, (_, i) => items.slice(i * OBJECTS_PER_STEP, (i + 1) * OBJECTS_PER_STEP));
}

function nonEmpty<K extends string>(key: K, map: Record<string, string>): Partial<Record<K, Record<string, string>>> {
  return Object.keys(map).length ? ({ [key]: map } as Record<K, Record<string, string>>) : {};
}

function deploymentManifest(deployment: DeploymentState) {
  const strategy = deployment.strategy;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deployment.name, namespace: deployment.namespace, ...nonEmpty('labels', deployment.labels) },
    spec: {
      replicas: deployment.replicas,
      selector: { matchLabels: deployment.selector },
      ...(strategy
        ? { strategy: strategy.type === 'Recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: strategy.maxSurge, maxUnavailable: strategy.maxUnavailable } } }
        : {}),
      template: {
        metadata: { labels: deployment.template.labels, ...nonEmpty('annotations', deployment.template.annotations) },
        spec: { containers: deployment.template.containers.map(containerManifest) },
      },
    },
  };
}

function containerManifest(container: PodState['containers'][number]) {
  return {
    name: container.name,
    image: container.image,
    ...(container.command ? { command: container.command } : {}),
    ...(container.args ? { args: container.args } : {}),
    ...(container.env?.length ? { env: container.env } : {}),
    ...(container.ports.length ? { ports: container.ports } : {}),
  };
}

function podManifest(pod: PodState) {
  const annotations = { ...pod.annotations, ...(pod.ip && !pod.hostNetwork ? { [PINNED_ADDRESS_ANNOTATION]: JSON.stringify([pod.ip]) } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, namespace: pod.namespace, ...nonEmpty('labels', pod.labels), ...nonEmpty('annotations', annotations) },
    spec: {
      nodeName: pod.node,
      ...(pod.hostNetwork ? { hostNetwork: true } : {}),
      containers: pod.containers.map(containerManifest),
    },
  };
}

function serviceManifest(service: ServiceState) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.name, namespace: service.namespace, ...nonEmpty('labels', service.labels) },
    spec: {
      type: service.type,
      clusterIP: service.clusterIP,
      ...(service.selector ? { selector: service.selector } : {}),
      ports: service.ports.map((port) => ({
        ...(port.name ? { name: port.name } : {}),
        port: port.port,
        protocol: port.protocol,
        targetPort: port.targetPort,
        ...(port.nodePort !== null ? { nodePort: port.nodePort } : {}),
      })),
      sessionAffinity: service.sessionAffinity,
      ...(service.externalTrafficPolicy ? { externalTrafficPolicy: service.externalTrafficPolicy } : {}),
      internalTrafficPolicy: service.internalTrafficPolicy,
    },
  };
}

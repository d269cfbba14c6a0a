import { alignTabs, kubectlDescribeSettings } from '../../views';
import { rfc1123z } from '../time-format';

/**
 * kubectl's describers (staging/src/k8s.io/kubectl/pkg/describe/describe.go) for the objects the
 * lab's Kubernetes API renders: DaemonSets, Deployments, ReplicaSets and Endpoints, line for line.
 */
type Json = Record<string, any>;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_ANNOTATION_LEN = 140;

/** printLabelsMultiline: `Title:\tk=v`, then `\tk=v` per further label, sorted. */
export function labelsMultiline(title: string, labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return `${title}:\t<none>\n`;
  return keys.map((key, i) => `${i === 0 ? `${title}:` : ''}\t${key}=${labels![key]}\n`).join('');
}

/** printAnnotationsMultiline: `key: value`, kubectl's last-applied annotation left out, long values on their own lines. */
export function annotationsMultiline(title: string, annotations: Record<string, string> | undefined): string {
  const keys = Object.keys(annotations ?? {}).filter((key) => key !== LAST_APPLIED).sort();
  if (keys.length === 0) return `${title}:\t<none>\n`;
  let text = `${title}:\t`;
  keys.forEach((key, i) => {
    if (i > 0) text += '\t';
    const value = annotations![key].replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      text += `${key}:\n`;
      for (const line of value.split('\n')) text += `\t  ${line.length > MAX_ANNOTATION_LEN - 2 ? `${line.slice(0, MAX_ANNOTATION_LEN - 2)}...` : line}\n`;
    } else text += `${key}: ${value}\n`;
  });
  return text;
}

/** metav1.FormatLabelSelector / labels.Selector.String(): matchLabels sorted, `<none>` when empty. */
export function selectorString(selector: Json | undefined): string {
  const labels = selector?.matchLabels ?? {};
  const keys = Object.keys(labels).sort();
  return keys.length ? keys.map((key) => `${key}=${labels[key]}`).join(',') : '<none>';
}

const portsOf = (ports: Json[] | undefined, hostPort: boolean) =>
  (ports ?? []).map((p) => `${hostPort ? (p.hostPort ?? 0) : p.containerPort}/${p.protocol}${p.name ? ` (${p.name})` : ''}`).join(', ');

function describeContainer(c: Json): string {
  let text = `   ${c.name}:\n    Image:\t${c.image}\n`;
  const ports = portsOf(c.ports, false);
  text += ports.includes(',') ? `    Ports:\t${ports}\n` : `    Port:\t${ports || '<none>'}\n`;
  const hostPorts = portsOf(c.ports, true);
  text += hostPorts.includes(',') ? `    Host Ports:\t${hostPorts}\n` : `    Host Port:\t${hostPorts || '<none>'}\n`;
  for (const [field, title] of [['command', 'Command'], ['args', 'Args']] as const) {
    if (c[field]?.length) text += `    ${title}:\n${(c[field] as string[]).flatMap((part) => part.split('\n')).map((line) => `      ${line}\n`).join('')}`;
  }
  for (const [field, title] of [['limits', 'Limits'], ['requests', 'Requests']] as const) {
    const amounts = c.resources?.[field] as Record<string, string> | undefined;
    if (amounts && Object.keys(amounts).length) text += `    ${title}:\n${Object.keys(amounts).sort().map((name) => `      ${name}:\t${amounts[name]}\n`).join('')}`;
  }
  const env = (c.env ?? []) as Json[];
  text += `    Environment:${env.length ? '' : '\t<none>'}\n`;
  for (const e of env) {
    if (e.valueFrom?.fieldRef) text += `      ${e.name}:\t (${e.valueFrom.fieldRef.apiVersion}:${e.valueFrom.fieldRef.fieldPath})\n`;
    else text += String(e.value ?? '').split('\n').map((line, i) => (i === 0 ? `      ${e.name}:\t${line}\n` : `      \t${line}\n`)).join('');
  }
  const mounts = [...((c.volumeMounts ?? []) as Json[])].sort((a, b) => (a.mountPath < b.mountPath ? -1 : a.mountPath > b.mountPath ? 1 : 0));
  text += `    Mounts:${mounts.length ? '' : '\t<none>'}\n`;
  for (const m of mounts) text += `      ${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'}${m.subPath ? `,path="${m.subPath}"` : ''})\n`;
  return text;
}

function describeVolumes(volumes: Json[] | undefined): string {
  if (!volumes?.length) return '  Volumes:\t<none>\n';
  let text = '  Volumes:\n';
  for (const v of volumes) {
    text += `   ${v.name}:\n`;
    if (v.hostPath) text += `    Type:\tHostPath (bare host directory volume)\n    Path:\t${v.hostPath.path}\n    HostPathType:\t${v.hostPath.type ?? '<none>'}\n`;
    else if (v.configMap) text += `    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${v.configMap.name}\n    Optional:\t${v.configMap.optional === true}\n`;
  }
  return text;
}

function tolerationsMultiline(title: string, tolerations: Json[] | undefined): string {
  if (!tolerations?.length) return `${title}:\t<none>\n`;
  return tolerations
    .map((t, i) => {
      let line = `${i === 0 ? `${title}:` : ''}\t${t.key ?? ''}`;
      if (t.value) line += `=${t.value}`;
      if (t.effect) line += `:${t.effect}`;
      if (t.operator === 'Exists' && !t.value) line += t.key || t.effect ? ' op=Exists' : 'op=Exists';
      if (t.tolerationSeconds !== undefined) line += ` for ${t.tolerationSeconds}s`;
      return `${line}\n`;
    })
    .join('');
}

/** DescribePodTemplate. */
export function describePodTemplate(template: Json): string {
  const spec = template.spec ?? {};
  let text = 'Pod Template:\n' + labelsMultiline('  Labels', template.metadata?.labels);
  if (Object.keys(template.metadata?.annotations ?? {}).length) text += annotationsMultiline('  Annotations', template.metadata.annotations);
  if (spec.serviceAccountName) text += `  Service Account:\t${spec.serviceAccountName}\n`;
  if (spec.initContainers?.length) text += `  Init Containers:\n${(spec.initContainers as Json[]).map(describeContainer).join('')}`;
  text += `  Containers:${spec.containers?.length ? '' : ' <none>'}\n${((spec.containers ?? []) as Json[]).map(describeContainer).join('')}`;
  text += describeVolumes(spec.volumes);
  if (spec.priorityClassName) text += `  Priority Class Name:\t${spec.priorityClassName}\n`;
  text += labelsMultiline('  Node-Selectors', spec.nodeSelector);
  text += tolerationsMultiline('  Tolerations', spec.tolerations);
  return text;
}

export interface PodCounts {
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
}

const podsStatus = (c: PodCounts) => `Pods Status:\t${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed\n`;

export function describeDaemonSet(ds: Json, pods: PodCounts): string {
  // kubectl 1.32 prints no Namespace line for DaemonSets.
  let text = `Name:\t${ds.metadata.name}\nSelector:\t${selectorString(ds.spec.selector)}\n`;
  const nodeSelector = ds.spec.template.spec?.nodeSelector ?? {};
  text += `Node-Selector:\t${Object.keys(nodeSelector).sort().map((k) => `${k}=${nodeSelector[k]}`).join(',') || '<none>'}\n`;
  text += labelsMultiline('Labels', ds.metadata.labels) + annotationsMultiline('Annotations', ds.metadata.annotations);
  const s = ds.status ?? {};
  text += `Desired Number of Nodes Scheduled: ${s.desiredNumberScheduled ?? 0}\nCurrent Number of Nodes Scheduled: ${s.currentNumberScheduled ?? 0}\n`;
  text += `Number of Nodes Scheduled with Up-to-date Pods: ${s.updatedNumberScheduled ?? 0}\nNumber of Nodes Scheduled with Available Pods: ${s.numberAvailable ?? 0}\n`;
  text += `Number of Nodes Misscheduled: ${s.numberMisscheduled ?? 0}\n${podsStatus(pods)}`;
  text += describePodTemplate(ds.spec.template) + 'Events:\t<none>\n';
  return alignTabs(text, kubectlDescribeSettings);
}

export function describeEndpoints(ep: Json): string {
  let text = `Name:\t${ep.metadata.name}\nNamespace:\t${ep.metadata.namespace}\n${labelsMultiline('Labels', ep.metadata.labels)}${annotationsMultiline('Annotations', ep.metadata.annotations)}Subsets:\n`;
  for (const subset of (ep.subsets ?? []) as Json[]) {
    text += `  Addresses:\t${((subset.addresses ?? []) as Json[]).map((a) => a.ip).join(',') || '<none>'}\n`;
    text += `  NotReadyAddresses:\t${((subset.notReadyAddresses ?? []) as Json[]).map((a) => a.ip).join(',') || '<none>'}\n`;
    if (subset.ports?.length) {
      text += '  Ports:\n    Name\tPort\tProtocol\n    ----\t----\t--------\n';
      for (const p of subset.ports as Json[]) text += `    ${p.name || '<unset>'}\t${p.port}\t${p.protocol}\n`;
    }
    text += '\n';
  }
  text += 'Events:\t<none>\n';
  return alignTabs(text, kubectlDescribeSettings);
}

const replicaSetsByLabels = (sets: Json[]) => (sets.length ? sets.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec.replicas} replicas created)`).join(', ') : '<none>');

/** An event of the object as describe lists it: its age and message (all Normal, from one component). */
export interface DescribedEvent {
  age: string;
  reason: string;
  from: string;
  message: string;
}

export function describeDeployment(d: Json, oldSets: Json[], newSets: Json[], events: DescribedEvent[]): string {
  let text = `Name:\t${d.metadata.name}\nNamespace:\t${d.metadata.namespace}\nCreationTimestamp:\t${rfc1123z(Date.parse(d.metadata.creationTimestamp))}\n`;
  text += labelsMultiline('Labels', d.metadata.labels) + annotationsMultiline('Annotations', d.metadata.annotations);
  const s = d.status ?? {};
  text += `Selector:\t${selectorString(d.spec.selector)}\nReplicas:\t${d.spec.replicas} desired | ${s.updatedReplicas ?? 0} updated | ${s.replicas ?? 0} total | ${s.availableReplicas ?? 0} available | ${s.unavailableReplicas ?? 0} unavailable\n`;
  text += `StrategyType:\t${d.spec.strategy.type}\nMinReadySeconds:\t${d.spec.minReadySeconds ?? 0}\n`;
  const rolling = d.spec.strategy.rollingUpdate;
  if (rolling) text += `RollingUpdateStrategy:\t${rolling.maxUnavailable} max unavailable, ${rolling.maxSurge} max surge\n`;
  text += describePodTemplate(d.spec.template);
  if (s.conditions?.length) text += `Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------\n${(s.conditions as Json[]).map((c) => `  ${c.type} \t${c.status}\t${c.reason}\n`).join('')}`;
  if (oldSets.length || newSets.length) text += `OldReplicaSets:\t${replicaSetsByLabels(oldSets)}\nNewReplicaSet:\t${replicaSetsByLabels(newSets)}\n`;
  text += describeEvents(events);
  return alignTabs(text, kubectlDescribeSettings);
}

export function describeReplicaSet(rs: Json, pods: PodCounts): string {
  let text = `Name:\t${rs.metadata.name}\nNamespace:\t${rs.metadata.namespace}\nSelector:\t${selectorString(rs.spec.selector)}\n`;
  text += labelsMultiline('Labels', rs.metadata.labels) + annotationsMultiline('Annotations', rs.metadata.annotations);
  const owner = (rs.metadata.ownerReferences ?? []).find((o: Json) => o.controller);
  if (owner) text += `Controlled By:\t${owner.kind}/${owner.name}\n`;
  text += `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec.replicas} desired\n${podsStatus(pods)}`;
  text += describePodTemplate(rs.spec.template) + 'Events:\t<none>\n';
  return alignTabs(text, kubectlDescribeSettings);
}

/** DescribeEvents: `Events:\t<none>`, or a table of them in time order. */
function describeEvents(events: DescribedEvent[]): string {
  if (events.length === 0) return 'Events:\t<none>\n';
  return `Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n${events.map((e) => `  Normal\t${e.reason}\t${e.age}\t${e.from}\t${e.message}\n`).join('')}`;
}

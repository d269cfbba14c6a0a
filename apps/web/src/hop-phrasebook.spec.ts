import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pluginBackends, type ClusterSpecInput } from '@hoplab/events';
import type { LabState } from '@hoplab/simulator/cluster/types';
import { allowAppToDb, denyAll, labWith, runPod, twoVmsRouter } from '@hoplab/simulator/datapath/lab-fixtures';
import { trace } from '@hoplab/simulator/datapath/trace';
import type { LearnedNeighbour, TraceRequest, TraceResult } from '@hoplab/simulator/datapath/types';
import { applyCommand } from '@hoplab/simulator/model/apply';
import { deviceAddress } from '@hoplab/simulator/cni/plugin-node';
import type { NetworkPolicy } from '@hoplab/simulator/netpol/types';
import { explainIptablesRecovery } from '@hoplab/simulator/node-iptables/explain';
import { explainNextSync } from '@hoplab/simulator/kube-proxy/explain';
import type { SyncReason } from '@hoplab/simulator/kube-proxy/sync-policy';
import { DEFAULT_KUBE_PROXY_CONFIG } from '@hoplab/simulator/kube-proxy/types';
import { hopSummaryInRussian, phrasebook, toRussian, type PhraseKind } from './hop-phrasebook';

const DATAPATH = join(__dirname, '../../../libs/simulator/src/datapath');

const PLUGINS: ClusterSpecInput['cni'][] = [
  ...pluginBackends,
  { plugin: 'cilium', backend: 'vxlan', encryption: 'wireguard' },
  { plugin: 'weave', backend: 'fastdp', encryption: 'ipsec' },
  { plugin: 'weave', backend: 'sleeve', encryption: 'ipsec' },
  { plugin: 'calico', backend: 'ipip', encryption: 'wireguard' },
  { plugin: 'cilium', backend: 'vxlan', kubeProxyReplacement: true },
];

/** Three nodes: app (netshoot) and web (nginx) on m02, db (postgres) on m03, api (port 9000) on minikube, and Services. */
function lab(cni: ClusterSpecInput['cni'], kubeProxy: '1.26' | '1.28+' = '1.26'): LabState {
  const state = labWith({ cni, kubeProxy: { version: kubeProxy } }, 3);
  runPod(state, 'app', 'nicolaka/netshoot', 'minikube-m02', { app: 'app' });
  runPod(state, 'web', 'nginx', 'minikube-m02', { app: 'web', tier: 'front' });
  runPod(state, 'db', 'postgres', 'minikube-m03', { app: 'database', tier: 'front' });
  applyCommand(state, { type: 'createPod', namespace: 'default', name: 'api', labels: {}, containers: [{ name: 'api', image: 'example/api', ports: (['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({ containerPort: 9000, protocol })) }], nodeName: 'minikube' });
  const service = (name: string, selector: Record<string, string>, port: number, extra: object = {}) =>
    applyCommand(state, { type: 'applyService', service: { namespace: 'default', name, selector, ports: [{ port, targetPort: 80 }], ...extra } });
  service('front', { tier: 'front' }, 8080);
  service('one', { app: 'web' }, 80);
  service('self', { app: 'app' }, 80);
  service('empty', { app: 'none' }, 80);
  applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'exposed', type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] } });
  return state;
}

type Probe = Omit<TraceRequest, 'from'>;

/** What each source tries: pods on their ports and a closed one, UDP, SCTP and ping, Services, nodes, outside and unowned addresses. */
function probes(state: LabState): Probe[] {
  const pods = [...state.pods.values()].filter((pod) => pod.namespace === 'default').map((pod) => `${pod.namespace}/${pod.name}`);
  const weaveBridges = [...state.nodes.values()].map((node) => deviceAddress(node, 'weave')).filter((ip): ip is string => Boolean(ip));
  return [
    ...pods.flatMap((to): Probe[] => [
      { to, port: 80, protocol: 'TCP' },
      { to, port: 5432, protocol: 'TCP' },
      { to, port: 9000, protocol: 'TCP' },
      { to, port: 9000, protocol: 'UDP' },
      { to, port: 9000, protocol: 'SCTP' },
      { to, port: 53, protocol: 'UDP' },
      { to, port: 80, protocol: 'SCTP' },
      { to, protocol: 'ICMP' },
    ]),
    ...['front', 'one', 'self', 'empty', 'exposed'].map((name): Probe => ({ to: `${name}.default`, port: name === 'front' ? 8080 : 80, protocol: 'TCP' })),
    ...[...state.nodes.values()].flatMap((node): Probe[] => [
      { to: node.ip, port: 22, protocol: 'TCP' },
      { to: node.ip, port: 30080, protocol: 'TCP' },
      { to: node.ip, port: 81, protocol: 'TCP' },
    ]),
    // 10.244.71.250: in calico's block of minikube-m03 (seeded by the hostname), held by no pod: its blackhole route.
    ...[...weaveBridges, '8.8.8.8', '10.96.99.99', '10.244.2.77', '10.244.71.250', '10.10.10.77', '10.10.12.5', '192.168.49.77', '172.16.100.77'].map((to): Probe => ({ to, protocol: 'ICMP' })),
    { to: '8.8.8.8', port: 443, protocol: 'TCP' },
    { to: 'kube-dns.kube-system', port: 53, protocol: 'UDP' },
    ...[...state.routers.values()].flatMap((router) => router.interfaces.map((iface): Probe => ({ to: iface.ip, protocol: 'ICMP' }))),
  ];
}

/** kube-proxy's recovery sentences for the broken labs' nodes at the moments traced. */
const recoveries: string[] = [];

/** Every source (pods, a node, a host on the internet) tries every probe, the ARP caches warming up as it goes. */
function traceAll(state: LabState, results: TraceResult[], now?: number): void {
  const pods = [...state.pods.values()].filter((pod) => pod.namespace === 'default').map((pod) => `${pod.namespace}/${pod.name}`);
  const hostNetwork = [...state.pods.values()].filter((pod) => pod.hostNetwork).map((pod) => `${pod.namespace}/${pod.name}`);
  const sources: TraceRequest['from'][] = [...pods, ...hostNetwork.slice(0, 1), { node: [...state.nodes.keys()][0] }, { ip: '203.0.113.7' }];
  const neighbours: LearnedNeighbour[] = [];
  for (const from of sources) {
    for (const probe of probes(state)) {
      try {
        const result = trace(state, { from, ...probe }, { neighbours, ...(now === undefined ? {} : { now }) });
        neighbours.push(...result.learned);
        results.push(result);
      } catch {
        // A request the tracer refuses (an address this lab does not have) has no hops to explain.
      }
    }
  }
}

const policies: NetworkPolicy[] = [
  { ...denyAll, spec: { podSelector: { matchLabels: { app: 'database' } } } },
  allowAppToDb,
  { metadata: { name: 'db-open', namespace: 'default' }, spec: { podSelector: { matchLabels: { app: 'database' } }, ingress: [{ from: [{ podSelector: {} }] }, { ports: [{ port: 5432 }] }] } },
  { metadata: { name: 'db-from-app', namespace: 'default' }, spec: { podSelector: { matchLabels: { app: 'database' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'app' } } }] }] } },
  { metadata: { name: 'web-egress', namespace: 'default' }, spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] } },
  { metadata: { name: 'app-from-web', namespace: 'default' }, spec: { podSelector: { matchLabels: { app: 'app' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }, { podSelector: { matchLabels: { app: 'web' } } }] }] } },
];

function corpus(): TraceResult[] {
  const results: TraceResult[] = [];
  for (const cni of PLUGINS) {
    const state = lab(cni);
    traceAll(state, results);
    for (const policy of policies) applyCommand(state, { type: 'applyNetworkPolicy', policy });
    traceAll(state, results);
  }
  // Rules users broke: flushed, deleted and bypassed nat chains, REJECT and DROP rules, a DROP policy; kube-proxy's recovery at several moments.
  for (const version of ['1.26', '1.28+'] as const) {
    const state = lab({ plugin: 'flannel' }, version);
    applyCommand(state, { type: 'iptables', node: 'minikube-m02', args: ['-t', 'nat', '-F'] }, 40_000);
    applyCommand(state, { type: 'iptables', node: 'minikube-m03', args: ['-I', 'FORWARD', '-p', 'tcp', '--dport', '5432', '-j', 'REJECT'] }, 40_000);
    applyCommand(state, { type: 'iptables', node: 'minikube-m03', args: ['-I', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'DROP'] }, 40_000);
    applyCommand(state, { type: 'iptables', node: 'minikube-m03', args: ['-t', 'nat', '-I', 'PREROUTING', '-j', 'ACCEPT'] }, 40_000);
    applyCommand(state, { type: 'iptables', node: 'minikube', args: ['-P', 'FORWARD', 'DROP'] }, 40_000);
    traceAll(state, results, 45_000);
    applyCommand(state, { type: 'iptables', node: 'minikube-m02', args: ['-t', 'nat', '-X'] }, 50_000);
    applyCommand(state, { type: 'iptables', node: 'minikube-m03', args: ['-t', 'mangle', '-F'] }, 50_000);
    for (const now of [51_000, 65_000, 95_000]) traceAll(state, results, now);
    runPod(state, 'late', 'nginx', 'minikube-m03', { tier: 'front' });
    for (const now of [state.time, 120_000]) traceAll(state, results, now);
    for (const now of [30_000, 45_000, 51_000, 65_000, 95_000, 120_000]) for (const node of state.nodes.keys()) recoveries.push(explainIptablesRecovery(state, node, now));
  }
  const routed = twoVmsRouter();
  traceAll(routed, results);
  for (const ttl of [1, 2, 3]) results.push(trace(routed, { from: 'default/pod1', to: 'default/pod3', port: 80, protocol: 'TCP', ttl }));
  const flannel = lab({ plugin: 'flannel' });
  for (const size of [1451, 1500, 1501]) results.push(trace(flannel, { from: 'default/app', to: 'default/db', protocol: 'ICMP', size }));
  results.push(trace(flannel, { from: 'default/app', to: 'default/web', protocol: 'ICMP', size: 1451 }));
  for (const ttl of [1, 2]) results.push(trace(flannel, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP', ttl }));
  return results;
}

/** The hop kinds the tracer's sources name (`action: '…'`), in every module of the datapath. */
function tracerActions(): Set<string> {
  const actions = new Set<string>();
  const sources = readdirSync(DATAPATH, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));
  for (const file of sources) {
    for (const match of readFileSync(join(DATAPATH, file), 'utf8').matchAll(/action: '([\w-]+)'/g)) actions.add(match[1]);
  }
  expect(actions.size).toBeGreaterThan(20);
  return actions;
}

/** kube-proxy's recovery sentence for every sync reason and kind, from its own generator (the corpus meets only some). */
function recoverySentences(): string[] {
  const reasons: SyncReason[] = ['startup', 'periodic', 'change', 'canary-lost', 'retry-after-failure', 'hourly'];
  return (['1.26', '1.28+'] as const).flatMap((version) =>
    reasons.flatMap((reason) => (['full', 'partial'] as const).map((kind) => explainNextSync({ version, ...DEFAULT_KUBE_PROXY_CONFIG }, { at: 95_000, kind, reason, restores: [] }))),
  );
}

/**
 * Templates no traced sentence of the corpus uses: the tracer's defensive branches (a routing loop, a lost VTEP or
 * lease, a down link, no route at all), a self flow (kube-proxy masquerades a pod reaching itself through a Service,
 * so the policy never sees it as one), a rule without the event that wrote it, and a router whose next hop is gone.
 */
const NOT_IN_CORPUS = [
  'reason: the packet looped for {steps} steps (routing loop)',
  'reason: the route to {dst} is on {device}, which is down',
  'reason: no node holds {via}, the IPIP peer of {dst}',
  'reason: no VTEP owns {via}: no neighbour entry on {device}',
  'reason: no flannel lease owns {via}: no neighbour entry on {device}',
  'reason: no answer to ARP for {ip} on {device}',
  'reason: {direction} denied by NetworkPolicy',
  'hop: No route matches {dst}: Network is unreachable.',
  'reason: no route to {dst} in {where:who}',
  'who: pod {pod}',
  'hop: Traffic of a pod to itself is never restricted by NetworkPolicy.',
  'policyExplanation: Allowed: traffic from {pod} to itself is never restricted by NetworkPolicy.',
  'hop: {bridge} looks {mac} up in its FDB (learned on {veth}) and forwards the frame out of that port (hairpin).',
  'decider: the rule {rule}',
  'reason: router {router}: nothing answers ARP for {ip}',
  // cilium: a policy-isolated endpoint reached from its own node, a masquerade on a node with simulated tables, kube-proxy replacement's recovery.
  "hop: The packet comes from the endpoint's own node (reserved:host, ID:1): cilium lets the host reach its endpoints whatever the policies.",
  'hop: nat POSTROUTING → {chain}: cilium masquerades pod traffic leaving the pod network: source {src} → {dst}.',
  "recovery: No kube-proxy runs on {node} (cilium's kube-proxy replacement): nothing writes KUBE-* service rules back; Services are cilium's eBPF load balancer's.",
  // A NodePort Service without backends reached from outside (the corpus' NodePort has one).
  'hop: bpf_host on {device} finds {type:token} {frontend:token} of {service:token} (service ID {id}) with no backend: the packet is dropped (Service backend not found).',
  'reason: service {service} has no backends (cilium: Service backend not found)',
  // weave-npc's departures from the API on policies the corpus does not apply (a named port, an endPort range).
  "hop: The API would stop this {direction} ({policies}), but weave-npc refused {refused} (named ports in network policies is not supported yet), so it isolates nothing: weave-npc's chains accept it.",
  "hop: weave-npc reads only the first port of a port range (endPort is ignored): no rule of weave-npc's chains accepts {flow}, and the weave bridge drops the packet (the client times out).",
  'reason: {direction} denied by weave-npc: weave-npc reads only the first port of a port range (endPort is ignored)',
];

const ENGLISH = /\b(the|is|on|of|to|for|and|by|no|its|rule|peer)\b/;
/** The kernel's and the tools' own messages stay as the user sees them in a terminal; so do quoted commands and rules. */
const QUOTED = /Network is unreachable|No route to host|Connection refused|Unknown L3 target address|ICMP [a-z ]+(unreachable|exceeded|needed)|self permanent|`[^`]*`|-[AP] [A-Z-]+ .*/g;

describe('the tracer in Russian', () => {
  const results = corpus();
  const used = new Set<string>();
  const untranslated: string[] = [];
  const russian: string[] = [];
  const check = (what: string, english: string, translated: string | undefined) => (translated === undefined ? untranslated.push(`${what}: ${english}`) : russian.push(translated));
  for (const result of results) {
    for (const hop of result.hops) check(`hop ${hop.action}`, hop.summary, hopSummaryInRussian(hop.summary, used));
    check('reason', result.reason, toRussian('reason', result.reason, used));
    check('explanation', result.explanation, toRussian('explanation', result.explanation, used));
  }
  for (const sentence of [...recoverySentences(), ...recoveries]) check('recovery', sentence, toRussian('recovery', sentence, used));

  it('reads every hop summary, reason and explanation of a corpus that reaches every hop kind and verdict', () => {
    expect([...new Set(untranslated)]).toEqual([]);
    // No English read into a parameter by mistake: what remains are names, addresses, rules and the tools' messages.
    expect([...new Set(russian.map((text) => text.replace(QUOTED, '')).filter((text) => ENGLISH.test(text)))]).toEqual([]);
    const actions = new Set(results.flatMap((result) => result.hops.map((hop) => hop.action)));
    const missing = [...tracerActions()].filter((action) => !actions.has(action));
    expect(missing).toEqual([]);
    expect(new Set(results.map((result) => result.verdict))).toEqual(new Set(['delivered', 'refused', 'dropped', 'unreachable']));
  });

  it('uses every template on the corpus, but those of branches it does not reach', () => {
    const unused = Object.entries(phrasebook).flatMap(([kind, phrases]) =>
      phrases.map((phrase, index) => ({ id: `${kind}[${index}]`, name: `${kind}: ${phrase.en}` })).filter(({ id }) => !used.has(id)),
    );
    expect(unused.map(({ name }) => name).sort()).toEqual([...NOT_IN_CORPUS].sort());
  });

  it('writes the parameters into the Russian sentence, nested phrases translated too', () => {
    expect(hopSummaryInRussian('ARP who-has 10.244.1.1? broadcast on eth0.')).toBe('ARP-запрос «у кого 10.244.1.1?» — широковещательно на eth0.');
    expect(hopSummaryInRussian("Reply: 10.244.1.1 is-at 02:42:0a:f4:01:01: the bridge cni0 (the pod's gateway) answers; the entry is cached (REACHABLE).")).toBe(
      'Ответ: 10.244.1.1 находится по MAC 02:42:0a:f4:01:01: отвечает мост cni0 (шлюз пода); запись попадает в кэш (REACHABLE).',
    );
    expect(hopSummaryInRussian('Route lookup for 10.244.2.3: 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink. Forwarding decrements the TTL to 63.')).toBe(
      'Поиск маршрута для 10.244.2.3: 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink. При пересылке TTL уменьшается до 63.',
    );
    expect(toRussian('reason', 'nothing listens on TCP port 81 in node minikube')).toBe('порт TCP 81 никто не слушает (узел minikube)');
    expect(hopSummaryInRussian('Something the tracer never said.')).toBeUndefined();
  });

  it('leaves no English word of a template in the Russian text', () => {
    const kinds = Object.keys(phrasebook) as PhraseKind[];
    for (const kind of kinds) for (const phrase of phrasebook[kind]) expect(`${kind}: ${phrase.ru.replace(QUOTED, '').replace(/\{\w+\}/g, '')}`).not.toMatch(ENGLISH);
  });
});

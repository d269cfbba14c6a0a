// The simulator at the Kubernetes scalability limits: 5,000 nodes and 150,000 pods (issue 3).
// Phase 1 decides and applies every command live; phase 2 replays the recorded events into a fresh
// state (what a server does on start-up or for `?at=`) and is the events/s figure; then one node's
// `ip route` and `kubectl get pods -A -o wide` are rendered with the views at that size.
import { performance } from 'node:perf_hooks';
import { applyCommand, initialState, nodeNetNamespace, replay, type AppliedEvent, type LabState } from '@hoplab/simulator';
import { ipRoute, kubectlGetPods } from '@hoplab/simulator/views';

const NODES = 5_000;
const PODS = 150_000;
const MB = 1024 * 1024;

export async function run(): Promise<Record<string, unknown>> {
  const peak = { rssMB: 0, heapUsedMB: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peak.rssMB = Math.max(peak.rssMB, Math.round(usage.rss / MB));
    peak.heapUsedMB = Math.max(peak.heapUsedMB, Math.round(usage.heapUsed / MB));
  };

  let live: LabState | undefined = initialState();
  const events: AppliedEvent[] = [];
  let time = 0;
  const apply = (command: Parameters<typeof applyCommand>[1]) => {
    for (const event of applyCommand(live!, command, (time += 10))) events.push(event);
  };

  let start = performance.now();
  apply({ type: 'createLab', name: 'bench', cluster: { podCIDR: '10.0.0.0/8', nodeNetwork: '172.16.0.0/12', serviceCIDR: '192.168.0.0/16' } });
  for (let i = 0; i < NODES; i++) apply({ type: 'addNode' });
  const addNodesMs = performance.now() - start;
  sample();

  const nodeNames = [...live.nodes.keys()];
  start = performance.now();
  for (let i = 0; i < PODS; i++) {
    apply({
      type: 'createPod',
      namespace: 'default',
      name: `pod-${i}`,
      nodeName: nodeNames[i % NODES],
      labels: { app: `app-${i % 100}` },
      containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }],
    });
    if (i % 10_000 === 0) sample();
  }
  const createPodsMs = performance.now() - start;
  const podEvents = events.filter((event) => event.type === 'PodCreated' || event.type === 'PodNetworkAttached').length;
  sample();
  live = undefined;

  start = performance.now();
  const state = initialState();
  for (let i = 0; i < events.length; i += 10_000) {
    replay(events.slice(i, i + 10_000), state);
    sample();
  }
  const replayMs = performance.now() - start;

  const node = nodeNames[NODES / 2];
  start = performance.now();
  const routes = ipRoute(nodeNetNamespace(state, node));
  const ipRouteMs = performance.now() - start;
  sample();
  start = performance.now();
  const pods = kubectlGetPods(state, { allNamespaces: true, wide: true });
  const getPodsMs = performance.now() - start;
  sample();

  return {
    nodes: state.nodes.size,
    pods: state.pods.size,
    events: events.length,
    podEvents,
    live: {
      addNodesPerSecond: Math.round(NODES / (addNodesMs / 1000)),
      createPodCommandsPerSecond: Math.round(PODS / (createPodsMs / 1000)),
    },
    replay: { ms: Math.round(replayMs), eventsPerSecond: Math.round(events.length / (replayMs / 1000)) },
    render: {
      ipRouteMs: Math.round(ipRouteMs * 10) / 10,
      ipRouteLines: routes.stdout.split('\n').length - 1,
      getPodsAllWideMs: Math.round(getPodsMs),
      getPodsLines: pods.stdout.split('\n').length - 1,
    },
    peakMemory: peak,
    targets: { eventsPerSecond: 200_000, memoryMB: 1536 },
  };
}

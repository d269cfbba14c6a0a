/**
 * NetworkPolicy engine at scale: 150,000 pods in 10,000 namespaces with 5,000 policies.
 * Figures: index build, one flow verdict (p50/p99, with its explanation) and a 100x100
 * connectivity matrix. Targets (issue 6): verdict p99 <= 50 µs, matrix <= 100 ms.
 */
import {
  connectivityMatrix,
  evaluateFlow,
  indexWorld,
  type NetpolNamespace,
  type NetpolPod,
  type NetworkPolicy,
} from '@hoplab/simulator/netpol';

const NAMESPACES = 10_000;
const PODS_PER_NAMESPACE = 15;
const VERDICTS = 50_000;
const MATRIX_RUNS = 20;

/** mulberry32: a seeded PRNG so every run measures the same world and flows. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildWorld() {
  const namespaces: NetpolNamespace[] = [];
  const pods: NetpolPod[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const name = `ns-${n}`;
    namespaces.push({ name, labels: { team: `team-${n % 50}`, env: n % 2 ? 'prod' : 'dev' } });
    for (let p = 0; p < PODS_PER_NAMESPACE; p++) {
      pods.push({
        namespace: name,
        name: `pod-${p}`,
        labels: { app: `app-${p % 5}`, tier: `tier-${p % 3}`, 'pod-template-hash': `h${p}` },
        ip: `10.${(n >> 8) & 255}.${n & 255}.${p + 2}`,
        containers: [
          {
            ports: [
              { name: 'http', containerPort: 8080, protocol: 'TCP' },
              { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
            ],
          },
        ],
      });
    }
  }
  const policies: NetworkPolicy[] = [];
  // 2,000 namespaces with default-deny (both directions) and one allow rule each: 4,000 policies.
  for (let n = 0; n < 2_000; n++) {
    const namespace = `ns-${n}`;
    policies.push({
      metadata: { name: 'default-deny', namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    policies.push({
      metadata: { name: 'allow-web', namespace },
      spec: {
        podSelector: { matchLabels: { app: `app-${n % 5}` } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { team: `team-${n % 50}` } }, podSelector: { matchLabels: { tier: 'tier-0' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }],
            ports: [{ port: 'http', protocol: 'TCP' }, { port: 9000, endPort: 9100, protocol: 'TCP' }],
          },
        ],
        egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] } }] }],
      },
    });
  }
  // 20 namespaces with 50 policies each, selecting by label pairs: 1,000 policies.
  for (let n = 2_000; n < 2_020; n++) {
    for (let k = 0; k < 50; k++) {
      policies.push({
        metadata: { name: `p-${k}`, namespace: `ns-${n}` },
        spec: {
          podSelector: { matchLabels: { app: `app-${k % 5}`, tier: `tier-${k % 3}` } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels: { app: `app-${(k + 1) % 5}` } } }], ports: [{ port: 8000 + k, protocol: 'TCP' }] }],
        },
      });
    }
  }
  return { namespaces, pods, policies };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export async function run(): Promise<Record<string, unknown>> {
  const world = buildWorld();
  const random = prng(6);

  let start = process.hrtime.bigint();
  const index = indexWorld(world);
  const indexMs = Number(process.hrtime.bigint() - start) / 1e6;

  // Flows mostly between pods of namespaces that have policies, the rest anywhere.
  const somePod = (withPolicies: boolean) =>
    world.pods[
      withPolicies
        ? Math.floor(random() * 2_020 * PODS_PER_NAMESPACE)
        : Math.floor(random() * world.pods.length)
    ];
  const flows = Array.from({ length: VERDICTS }, () => ({
    source: somePod(random() < 0.8),
    destination: somePod(random() < 0.8),
    port: [8080, 9050, 8010, 5432][Math.floor(random() * 4)],
    protocol: 'TCP' as const,
  }));
  for (const flow of flows.slice(0, 2_000)) evaluateFlow(index, flow); // warm-up
  const times: number[] = [];
  let allowed = 0;
  for (const flow of flows) {
    start = process.hrtime.bigint();
    const verdict = evaluateFlow(index, flow);
    times.push(Number(process.hrtime.bigint() - start) / 1e3);
    if (verdict.allowed) allowed++;
  }
  times.sort((a, b) => a - b);

  const matrixPods = Array.from({ length: 100 }, (_, i) => world.pods[(i % 10) * 201 * PODS_PER_NAMESPACE + Math.floor(i / 10)]);
  connectivityMatrix(index, matrixPods, 8080, 'TCP'); // warm-up
  const matrixTimes: number[] = [];
  let matrixAllowed = 0;
  for (let i = 0; i < MATRIX_RUNS; i++) {
    start = process.hrtime.bigint();
    const { matrix } = connectivityMatrix(index, matrixPods, 8080, 'TCP');
    matrixTimes.push(Number(process.hrtime.bigint() - start) / 1e6);
    matrixAllowed = matrix.flat().filter(Boolean).length;
  }
  matrixTimes.sort((a, b) => a - b);

  return {
    world: { namespaces: world.namespaces.length, pods: world.pods.length, policies: world.policies.length },
    indexBuildMs: round(indexMs),
    verdict: {
      flows: VERDICTS,
      allowedShare: round(allowed / VERDICTS, 3),
      p50us: round(percentile(times, 50)),
      p99us: round(percentile(times, 99)),
      maxUs: round(times[times.length - 1]),
      targetP99us: 50,
    },
    matrix100x100: {
      runs: MATRIX_RUNS,
      allowedPairs: matrixAllowed,
      medianMs: round(percentile(matrixTimes, 50)),
      maxMs: round(matrixTimes[matrixTimes.length - 1]),
      targetMs: 100,
    },
  };
}

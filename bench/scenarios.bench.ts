// Lab-as-code: parse + build of each built-in scenario (what POST /api/labs { scenario } does before
// appending), its checks (POST /check), and an export → import round trip, plus a generated
// scenario of 50 nodes and 2,000 pods (apply steps of 100 pods) with 200 trace checks. Figures are
// medians of REPEAT runs in ms.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { buildScenario, exportScenarioYaml, parseScenario, runChecks } from '@hoplab/simulator/scenario';

const REPEAT = 9;
const DIR = join(__dirname, '..', 'scenarios');

function median(run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(REPEAT / 2)] * 100) / 100;
}

function measure(name: string, text: string) {
  const parsed = parseScenario(text);
  const { state, events } = buildScenario(parsed, { name });
  const exported = exportScenarioYaml(state);
  return {
    events: events.length,
    checks: parsed.scenario.checks.length,
    parseMs: median(() => parseScenario(text)),
    buildMs: median(() => buildScenario(parseScenario(text), { name })),
    checksMs: median(() => runChecks(state, parsed.scenario.checks, { now: state.time, epochMs: 0 })),
    exportMs: median(() => exportScenarioYaml(state)),
    reimportMs: median(() => buildScenario(parseScenario(exported), { name })),
  };
}

function generated(): string {
  const pods = Array.from({ length: 2_000 }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${i}`, labels: { app: `a${i % 20}` } },
    spec: { nodeName: i % 50 === 0 ? 'minikube' : `minikube-m${String((i % 50) + 1).padStart(2, '0')}`, containers: [{ name: 'c', image: 'nginx' }] },
  }));
  const steps = Array.from({ length: 20 }, (_, i) => ({ apply: pods.slice(i * 100, (i + 1) * 100) }));
  const checks = Array.from({ length: 200 }, (_, i) => ({ expect: { trace: { from: `default/p${i}`, to: `default/p${1999 - i}`, port: 80 }, verdict: 'delivered' } }));
  return stringify({ nodes: Array.from({ length: 50 }, () => ({})), steps, checks });
}

export async function run(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    const name = file.replace(/\.yaml$/, '');
    results[name] = measure(name, readFileSync(join(DIR, file), 'utf8'));
  }
  results['generated-50-nodes-2000-pods'] = measure('generated', generated());
  return results;
}

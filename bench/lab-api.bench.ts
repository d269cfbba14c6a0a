// The event-sourced lab API at size (issue 4): a lab of 1,000,000 events in SQLite, replayed cold
// (read + evolve, no snapshot), time travel over HTTP (`GET /state?at=`) with snapshots every
// 2,000 events, and single mutations per second over HTTP with autocannon (in a child process).
import type { Result } from 'autocannon';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { labEvents, type NewEvent } from '@hoplab/events';
import { EventStore } from '@hoplab/event-store';
import { applyCommand, evolve, initialState, Prng, SIMULATOR_SCHEMA_VERSION, snapshotView, type Command, type LabState } from '@hoplab/simulator';
import { createApp } from '../apps/server/src/app.factory';
import { hashToken } from '../apps/server/src/auth/tokens';
import { configFromEnv } from '../apps/server/src/config/server-config';

const TOTAL_EVENTS = Number(process.env.BENCH_LAB_EVENTS ?? 1_000_000);
const SNAPSHOT_EVERY = 2_000;
const NODES = 200;
const LIVE_PODS = 1_000;
const TIME_TRAVEL_SAMPLES = 200;
/** BENCH_LAB_PHASES=cold stops after the cold replay (for iterating on it); by default every phase runs. */
const COLD_ONLY = process.env.BENCH_LAB_PHASES === 'cold';
/** Events per page, as LabRuntime replays (EventStore.replay). */
const REPLAY_PAGE = 1_000;
/** Every snapshot is kept, so that any `at` replays at most SNAPSHOT_EVERY events. */
const SNAPSHOTS_KEPT = Math.ceil(TOTAL_EVENTS / SNAPSHOT_EVERY) + 1;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (value: number) => Math.round(value * 100) / 100;
/** This process's CPU time in ms since `since`: on a shared machine it varies less than wall time. */
const cpuMsSince = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Writes a lab of TOTAL_EVENTS events: nodes, then pods created and deleted so that LIVE_PODS stay. */
async function buildLab(store: EventStore, id: string, token: string): Promise<number> {
  const state = initialState();
  let time = 0;
  let batch: NewEvent[] = [];
  let written = 0;
  let created = 0;
  let deleted = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await store.appendToStream(id, batch, { expectedVersion: written });
    written += batch.length;
    batch = [];
  };
  let snapshotted = 0;
  const apply = async (command: Command) => {
    for (const event of applyCommand(state, command, (time += 5), 'bench')) batch.push({ type: event.type, data: event.data, actor: 'bench', time: event.time });
    // As the server does: a snapshot of the whole state once SNAPSHOT_EVERY events were applied since the last one.
    if (state.version - snapshotted >= SNAPSHOT_EVERY) {
      await flush();
      await store.saveSnapshot({ labId: id, seq: state.version, schemaVersion: SIMULATOR_SCHEMA_VERSION, state: snapshotView(state) });
      snapshotted = state.version;
    }
    if (batch.length >= 1000) await flush();
  };
  const labEventsAtStart = applyCommand(state, { type: 'createLab', name: 'bench', cluster: { podCIDR: '10.0.0.0/8', nodeNetwork: '172.16.0.0/12', serviceCIDR: '192.168.0.0/16' } }, 0, 'bench');
  await store.createLab(
    { id, name: 'bench' },
    { instructor: hashToken(token), student: hashToken(`${token}-s`), observer: hashToken(`${token}-o`) },
    labEventsAtStart.map((event) => ({ type: event.type, data: event.data, actor: 'bench', time: 0 })),
  );
  written = labEventsAtStart.length;
  for (let i = 0; i < NODES; i++) await apply({ type: 'addNode' });
  const nodes = [...state.nodes.keys()];
  while (state.version + batch.length < TOTAL_EVENTS) {
    if (created - deleted >= LIVE_PODS) await apply({ type: 'deletePod', namespace: 'default', name: `pod-${deleted++}` });
    else await apply({ type: 'createPod', namespace: 'default', name: `pod-${created}`, nodeName: nodes[created++ % NODES], containers: [{ name: 'c', image: 'nginx' }] });
  }
  await flush();
  return written;
}

async function coldReplay(store: EventStore, id: string, version: number): Promise<Record<string, number>> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const state: LabState = initialState();
  for await (const page of store.replay(id, { to: version, pageSize: REPLAY_PAGE })) {
    for (const event of page) evolve(state, event);
  }
  const ms = performance.now() - start;
  const cpuMs = cpuMsSince(cpu);
  return { events: state.version, ms: Math.round(ms), eventsPerSecond: Math.round(state.version / (ms / 1000)), cpuMs: Math.round(cpuMs), eventsPerCpuSecond: Math.round(state.version / (cpuMs / 1000)) };
}

async function timeTravel(url: string, id: string, token: string, version: number) {
  const prng = new Prng('time-travel');
  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < TIME_TRAVEL_SAMPLES; i++) {
    const at = 1 + prng.below(version);
    const start = performance.now();
    const response = await fetch(`${url}/api/labs/${id}/state?at=${at}`, { headers: { Authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { version: number };
    latencies.push(performance.now() - start);
    if (body.version !== at) throw new Error(`asked for ${at}, got ${JSON.stringify(body).slice(0, 500)}`);
  }
  const cpuMsPerRequest = round(cpuMsSince(cpu) / TIME_TRAVEL_SAMPLES);
  latencies.sort((a, b) => a - b);
  // The client's fetch and JSON parse run in this process too: cpuMsPerRequest counts them.
  return { samples: latencies.length, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), maxMs: round(latencies[latencies.length - 1]), cpuMsPerRequest };
}

/** autocannon runs in bench/support/mutation-load.ts, so that client and server do not share one event loop. */
function loadInChildProcess(command: { url: string; headers: Record<string, string>; connections: number; durationSeconds: number }): Promise<Result> {
  const child = fork(join(__dirname, 'support', 'mutation-load.ts'), [], { execArgv: ['-r', '@swc-node/register'], stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { result: Result }) => resolve(message.result));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`mutation load process exited with ${code}`)));
    child.send(command);
  });
}

async function httpMutations(url: string): Promise<Record<string, number>> {
  const created = (await (await fetch(`${url}/api/labs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'load', cluster: { podCIDR: '10.0.0.0/8', nodeNetwork: '172.16.0.0/12', serviceCIDR: '192.168.0.0/16' } }) })).json()) as {
    id: string;
    tokens: { student: string };
  };
  const headers = { Authorization: `Bearer ${created.tokens.student}`, 'Content-Type': 'application/json' };
  for (let i = 0; i < NODES; i++) await fetch(`${url}/api/labs/${created.id}/nodes`, { method: 'POST', headers, body: '{}' });
  const cpu = process.cpuUsage();
  const result = await loadInChildProcess({ url: `${url}/api/labs/${created.id}/apply`, headers, connections: 10, durationSeconds: 10 });
  const serverCpuMs = cpuMsSince(cpu);
  return {
    mutationsPerSecond: Math.round(result.requests.average),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    /** The server's CPU per request (autocannon runs in another process). */
    serverCpuUsPerMutation: Math.round((serverCpuMs * 1000) / result.requests.total),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const loadAverageAtStart = loadavg().map(round);
  const dir = mkdtempSync(join(tmpdir(), 'hoplab-bench-api-'));
  const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
  try {
    const store = await EventStore.open(databaseUrl, labEvents, { snapshotsKeptPerLab: SNAPSHOTS_KEPT });
    const id = 'benchlab00000001';
    const token = 'bench-token';
    let start = performance.now();
    const version = await buildLab(store, id, token);
    const buildMs = Math.round(performance.now() - start);
    const cold = await coldReplay(store, id, version);
    await store.close();
    if (COLD_ONLY) return { lab: { events: version, nodes: NODES, livePods: LIVE_PODS, buildMs }, coldReplay: cold, loadAverage: { atStart: loadAverageAtStart.join(' '), atEnd: loadavg().map(round).join(' ') } };

    const app = await createApp({ ...configFromEnv({}), port: 0, databaseUrl, logLevel: process.env.BENCH_LOG_LEVEL ?? 'silent', snapshotEvery: SNAPSHOT_EVERY, snapshotsKeptPerLab: SNAPSHOTS_KEPT });
    await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    try {
      start = performance.now();
      await fetch(`${url}/api/labs/${id}/state`, { headers: { Authorization: `Bearer ${token}` } });
      const warmLoadMs = Math.round(performance.now() - start);
      const travel = await timeTravel(url, id, token, version);
      const mutations = await httpMutations(url);
      return {
        lab: { events: version, nodes: NODES, livePods: LIVE_PODS, snapshotEvery: SNAPSHOT_EVERY, buildMs },
        coldReplay: cold,
        warmLoadOverHttpMs: warmLoadMs,
        timeTravel: travel,
        httpMutations: mutations,
        targets: { replayEventsPerSecond: 300_000, timeTravelP99Ms: 50, mutationsPerSecond: 2_000 },
        loadAverage: { atStart: loadAverageAtStart.join(' '), atEnd: loadavg().map(round).join(' ') },
      };
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

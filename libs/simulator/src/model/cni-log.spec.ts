import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labEvents, type CniCall } from '@hoplab/events';
import type { LabState } from '../cluster/types';
import { applyCommand } from './apply';
import { oldestRestoredCniCall } from './cni-log';
import { evolve, replay, type AppliedEvent } from './evolve';
import { fromSnapshot, initialState, snapshotView } from './state';

/** A flannel lab written before PodNetworkAttached and PodDeleted v2: its events carry the CNI calls the runtime made. */
const v1History = (JSON.parse(readFileSync(join(__dirname, 'fixtures', 'flannel-history-v1.json'), 'utf8')) as { type: string; data: { cni?: CniCall }; time: number }[]).map(
  (event, index) => ({ ...event, seq: index + 1 }),
);

function upcast(event: { type: string; data: unknown; time: number; seq: number }): AppliedEvent {
  const version = event.type === 'PodNetworkAttached' || event.type === 'PodDeleted' ? 1 : labEvents.currentVersion(event.type);
  return { ...event, data: labEvents.upcast(event.type, version, event.data).data };
}

function loggedCalls(state: LabState) {
  return [...state.nodes.values()].flatMap((node) => node.cniLog.map((entry) => ({ node: node.name, seq: entry.seq, time: entry.time, call: entry.call })));
}

function churn(state: LabState): AppliedEvent[] {
  const events = applyCommand(state, { type: 'createLab', name: 'log' }, 0);
  let time = 0;
  const run = (command: Parameters<typeof applyCommand>[1]) => events.push(...applyCommand(state, command, (time += 1000)));
  run({ type: 'addNode' });
  run({ type: 'addNode' });
  for (let i = 0; i < 40; i++) run({ type: 'createPod', namespace: 'default', name: `p${i}`, containers: [{ name: 'c', image: 'nginx' }] });
  for (let i = 0; i < 40; i += 3) run({ type: 'deletePod', namespace: 'default', name: `p${i}` });
  run({ type: 'changePlugin', cni: { plugin: 'bridge' } });
  for (let i = 40; i < 45; i++) run({ type: 'createPod', namespace: 'default', name: `p${i}`, containers: [{ name: 'c', image: 'nginx' }] });
  run({ type: 'deletePod', namespace: 'default', name: 'p41' });
  return events;
}

describe('CNI log', () => {
  it('given a v1 history, when upcast and replayed, then every derived call equals the call v1 stored', () => {
    const upcastEvents = v1History.map(upcast);
    expect(upcastEvents.filter((event) => event.type === 'PodNetworkAttached' || event.type === 'PodDeleted').every((event) => !('cni' in (event.data as object)))).toBe(true);
    const calls = loggedCalls(replay(upcastEvents));
    const stored = v1History.filter((event) => event.data.cni).map((event) => ({ seq: event.seq, call: event.data.cni }));
    expect(stored.map((entry) => entry.call!.command)).toEqual(['ADD', 'ADD', 'ADD', 'DEL']);
    expect(stored.some((entry) => entry.call!.args.includes(';IP=10.244.0.9'))).toBe(true);
    expect(calls.map(({ seq, call }) => ({ seq, call }))).toEqual(stored);
  });

  it('given calls derived when first read, then they equal the calls derived right after each event', () => {
    const live = initialState();
    const events = churn(live);
    const atOnce = new Map<number, CniCall>();
    const replayed = initialState();
    for (const event of events) {
      evolve(replayed, event);
      for (const node of replayed.nodes.values()) for (const entry of node.cniLog) if (!atOnce.has(entry.seq)) atOnce.set(entry.seq, structuredClone(entry.call));
    }
    const calls = loggedCalls(live);
    expect(calls.length).toBeGreaterThan(40);
    expect(new Set(calls.map(({ call }) => call.plugin))).toEqual(new Set(['flannel', 'bridge']));
    expect(calls).toEqual(loggedCalls(replayed));
    for (const { seq, call } of calls) expect(call).toEqual(atOnce.get(seq));
  });

  it('given a snapshot, then it keeps when and by which event each call was made, and the calls come back by replaying from before the oldest', () => {
    const live = initialState();
    const events = churn(live);
    const restored = fromSnapshot(JSON.parse(JSON.stringify(snapshotView(live))));
    expect(JSON.stringify(snapshotView(live))).not.toContain('K8S_POD_NAME');
    const entries = (state: LabState) => [...state.nodes.values()].flatMap((node) => node.cniLog.map(({ time, seq }) => ({ node: node.name, time, seq })));
    expect(entries(restored)).toEqual(entries(live));
    const oldest = oldestRestoredCniCall(restored)!;
    expect(oldest).toBe(Math.min(...entries(live).map((entry) => entry.seq)));
    expect(() => restored.nodes.get('minikube')!.cniLog[0].call).toThrow(/restored from a snapshot/);
    expect(oldestRestoredCniCall(live)).toBeUndefined();
    // From a snapshot taken before the oldest logged call, the tail replays every logged call.
    const before = fromSnapshot(JSON.parse(JSON.stringify(snapshotView(replay(events.slice(0, oldest - 1))))));
    const rebuilt = replay(events.slice(oldest - 1), before);
    expect(oldestRestoredCniCall(rebuilt)).toBeUndefined();
    expect(loggedCalls(rebuilt)).toEqual(loggedCalls(live));
  });
});

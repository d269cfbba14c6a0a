import request from 'supertest';
import { LabRuntime, type DerivedOccurrence } from '../apps/server/src/runtime/lab-runtime.service';
import { bearer, createLab, useTestServer } from './support/test-server';

interface TimelineItem {
  kind: 'event' | 'derived';
  type: string;
  time: number;
  seq?: number;
  node?: string;
  full?: boolean;
}

describe('the timeline and the live controllers', () => {
  const server = useTestServer();

  async function pausedLab() {
    const lab = await createLab(server.url, { name: 't', scenario: 'minikube-flannel', cluster: { clock: { speed: 0 } } });
    return { ...lab, auth: bearer(lab.tokens.student) };
  }

  it('interleaves events with kube-proxy syncs on the simulated clock, deterministically', async () => {
    const lab = await pausedLab();
    await request(server.url).post(`/api/labs/${lab.id}/clock`).set(lab.auth).send({ advance: '65s' }).expect(201);
    await request(server.url).post(`/api/labs/${lab.id}/nodes`).set(lab.auth).send({}).expect(201);

    const timeline = (await request(server.url).get(`/api/labs/${lab.id}/timeline`).set(lab.auth).expect(200)).body as TimelineItem[];
    const syncs = timeline.filter((item) => item.kind === 'derived' && item.type === 'KubeProxySynced');
    // kube-proxy 1.26 syncs fully at start and every syncPeriod (30s) on each of the three nodes.
    expect(syncs.filter((s) => s.node === 'minikube').map((s) => [s.time, s.full])).toEqual([
      [0, true],
      [30_000, true],
      [60_000, true],
    ]);
    const times = timeline.map((item) => item.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const events = timeline.filter((item) => item.kind === 'event');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.find((e) => e.type === 'NodeAdded' && e.time === 65_000)).toBeDefined();

    const again = (await request(server.url).get(`/api/labs/${lab.id}/timeline`).set(lab.auth).expect(200)).body;
    expect(again).toEqual(timeline);

    const after = (await request(server.url).get(`/api/labs/${lab.id}/timeline?after=${events[events.length - 2].seq}`).set(lab.auth).expect(200)).body as TimelineItem[];
    expect(after.filter((item) => item.kind === 'event').map((e) => e.seq)).toEqual([events[events.length - 1].seq]);
    expect(after.every((item) => item.time >= 65_000)).toBe(true);
  });

  it('explains after a user\'s iptables change, in one sentence, when kube-proxy puts its rules back', async () => {
    const lab = await pausedLab();
    await request(server.url).post(`/api/labs/${lab.id}/clock`).set(lab.auth).send({ advance: '10s' }).expect(201);
    const exec = await request(server.url).post(`/api/labs/${lab.id}/exec`).set(lab.auth).send({ command: 'iptables -F', context: 'node/minikube-m02' }).expect(200);
    // iptables prints nothing, as the real one does; the lab's sentence comes beside it.
    expect(exec.body).toMatchObject({ exitCode: 0, stdout: '', stderr: '', notes: ['kube-proxy 1.26 rewrites every rule on each full sync every 30s: the rules come back at 00:30.'] });
    const read = await request(server.url).post(`/api/labs/${lab.id}/exec`).set(lab.auth).send({ command: 'iptables -S FORWARD | head -1', context: 'node/minikube-m02' }).expect(200);
    expect(read.body).toMatchObject({ stdout: '-P FORWARD ACCEPT\n' });
    expect(read.body.notes).toBeUndefined();
    const changed = exec.body.events[0];
    await request(server.url).post(`/api/labs/${lab.id}/clock`).set(lab.auth).send({ advance: '25s' }).expect(201);
    const timeline = (await request(server.url).get(`/api/labs/${lab.id}/timeline`).set(lab.auth).expect(200)).body as (TimelineItem & { explanation?: string })[];
    const index = timeline.findIndex((item) => item.type === 'IptablesRecovery');
    expect(timeline[index]).toEqual({
      kind: 'derived', type: 'IptablesRecovery', node: 'minikube-m02', time: changed.time, seq: changed.seq,
      explanation: 'kube-proxy 1.26 rewrites every rule on each full sync every 30s: the rules come back at 00:30.',
    });
    // Derived occurrences follow the events of their instant.
    expect(timeline.findIndex((item) => item.kind === 'event' && item.seq === changed.seq)).toBeLessThan(index);
    expect(timeline.find((item) => item.type === 'KubeProxySynced' && item.node === 'minikube-m02' && item.time === 30_000)).toMatchObject({ full: true });
  });

  it('emits what the controllers of a live lab do as simulated time passes', async () => {
    const lab = await pausedLab();
    const runtime = server.app.get(LabRuntime);
    await request(server.url).get(`/api/labs/${lab.id}/state`).set(lab.auth).expect(200);
    const seen: DerivedOccurrence[] = [];
    const subscription = runtime.derived.subscribe((occurrence) => {
      if (occurrence.labId === lab.id) seen.push(occurrence);
    });
    try {
      await request(server.url).post(`/api/labs/${lab.id}/clock`).set(lab.auth).send({ advance: '30s' }).expect(201);
      const deadline = Date.now() + 5000;
      while (seen.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen.map((s) => [s.occurrence.type, 'node' in s.occurrence ? s.occurrence.node : '', s.occurrence.time])).toEqual([
        ['KubeProxySynced', 'minikube', 30_000],
        ['KubeProxySynced', 'minikube-m02', 30_000],
        ['KubeProxySynced', 'minikube-m03', 30_000],
      ]);
    } finally {
      subscription.unsubscribe();
    }
  });
});

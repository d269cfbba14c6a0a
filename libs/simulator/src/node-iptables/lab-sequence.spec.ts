import { applyCommand, initialState, SimulatorError } from '..';
import type { LabState } from '../cluster/types';
import { controllerOccurrences } from './occurrences';
import { explainIptablesRecovery } from './explain';
import { nodeTables } from './node-tables';
import { runNodeIptables } from './run-iptables';

/** A two-node minikube-flannel lab with a 3-replica NodePort web Service, on the given kube-proxy. */
function lab(version: '1.26' | '1.28+'): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'seed-002', cluster: { kubeProxy: { version } } }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  for (const name of ['web-1', 'web-2', 'web-3']) {
    applyCommand(state, { type: 'createPod', namespace: 'default', name, labels: { app: 'web' }, containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] }, 0);
  }
  applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'web', type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }] } }, 0);
  return state;
}

const NODE = 'minikube';
const at = (state: LabState, time: number, args: string[]) => applyCommand(state, { type: 'iptables', node: NODE, args }, time);
const view = (state: LabState, time: number, args = ['-t', 'nat', '-vnL']) => runNodeIptables(state, NODE, args, time).stdout;
const rules = (state: LabState, time: number, table: 'filter' | 'nat', chain: string) => nodeTables(state, NODE, time)[table].chains.get(chain)?.rules.length;

describe('seed 002 through the lab state, kube-proxy 1.26', () => {
  it('given the rules, when the user runs iptables -F, then filter is empty until the next full sync at most 30s later', () => {
    const state = lab('1.26');
    const natBefore = view(state, 10_000);
    expect(natBefore).toContain('/* default/web cluster IP */ tcp dpt:80');
    expect(rules(state, 10_000, 'filter', 'FORWARD')).toBe(4);

    const events = at(state, 10_000, ['-F']);
    expect(events.map((e) => [e.type, e.data])).toEqual([['IptablesChanged', { node: NODE, args: ['-F'] }]]);
    expect(rules(state, 10_000, 'filter', 'FORWARD')).toBe(0);
    expect(rules(state, 29_999, 'filter', 'KUBE-FORWARD')).toBe(0);
    expect(view(state, 10_000)).toBe(natBefore);
    expect(explainIptablesRecovery(state, NODE, 10_000)).toBe('kube-proxy 1.26 rewrites every rule on each full sync every 30s: the rules come back at 00:30.');

    expect(rules(state, 30_000, 'filter', 'FORWARD')).toBe(4);
    expect(explainIptablesRecovery(state, NODE, 30_000)).toBe("kube-proxy 1.26's rules on minikube are as it wrote them: nothing to recover (its next sync, full, is at 01:00).");
    expect(rules(state, 30_000, 'filter', 'KUBE-FORWARD')).toBe(3);
    // kubelet's KUBE-FIREWALL is kubelet's: it restores it only when its own canary chain is gone.
    expect(rules(state, 30_000, 'filter', 'KUBE-FIREWALL')).toBe(0);
    const sync = controllerOccurrences(state, 10_000, 30_001).filter((o) => o.type === 'KubeProxySynced' && o.node === NODE);
    expect(sync).toEqual([
      expect.objectContaining({ time: 30_000, full: true, reason: 'periodic', ok: true, restored: expect.arrayContaining(['jump filter FORWARD -> KUBE-SERVICES', 'rules of filter KUBE-FORWARD']) }),
    ]);
  });

  it('-t nat -F breaks ClusterIPs until the next periodic sync, which restores the nat table as it was', () => {
    const state = lab('1.26');
    const natBefore = view(state, 5_000, ['-t', 'nat', '-S']);
    at(state, 5_000, ['-t', 'nat', '-F']);
    expect(rules(state, 5_000, 'nat', 'PREROUTING')).toBe(0);
    expect(view(state, 30_000, ['-t', 'nat', '-S'])).toBe(natBefore);
  });
});

describe('kubelet\'s own chains', () => {
  it('stay flushed after iptables -F (its canary survives) and come back within a minute once its mangle canary is deleted', () => {
    const state = lab('1.26');
    at(state, 10_000, ['-F']);
    expect(rules(state, 100_000, 'filter', 'KUBE-FIREWALL')).toBe(0);
    at(state, 100_000, ['-t', 'mangle', '-X', 'KUBE-KUBELET-CANARY']);
    // kubelet polls every minute from its start (0): the poll at 02:00 finds it gone, then waits up to 5s for nat and filter.
    expect(rules(state, 124_999, 'filter', 'KUBE-FIREWALL')).toBe(0);
    expect(rules(state, 125_000, 'filter', 'KUBE-FIREWALL')).toBe(1);
    expect(nodeTables(state, NODE, 125_000).mangle.chains.has('KUBE-KUBELET-CANARY')).toBe(true);
    const resync = controllerOccurrences(state, 100_000, 130_000).filter((o) => o.type === 'KubeletResynced');
    expect(resync).toEqual([
      { kind: 'derived', type: 'KubeletResynced', node: NODE, time: 125_000, restored: expect.arrayContaining(['rules of filter KUBE-FIREWALL', 'rules of filter INPUT']) },
    ]);
  });
});

describe('seed 002 through the lab state, kube-proxy 1.28+', () => {
  it('after -t nat -F a partial sync on an endpoint change restores KUBE-SERVICES but not the jumps from PREROUTING', () => {
    const state = lab('1.28+');
    at(state, 10_000, ['-t', 'nat', '-F']);
    expect(explainIptablesRecovery(state, NODE, 10_000)).toContain('does not notice a flush');
    applyCommand(state, { type: 'deletePod', namespace: 'default', name: 'web-3' }, 20_000);
    expect(rules(state, 19_999, 'nat', 'KUBE-SERVICES')).toBe(0);
    expect(rules(state, 20_000, 'nat', 'KUBE-SERVICES')).toBeGreaterThan(3);
    expect(rules(state, 20_000, 'nat', 'PREROUTING')).toBe(0);
    expect(rules(state, 3_600_000, 'nat', 'PREROUTING')).toBe(0);
  });

  it('-t nat -F then -X: the next partial sync fails and the full sync 30s later restores everything', () => {
    const state = lab('1.28+');
    const natBefore = view(state, 5_000, ['-t', 'nat', '-S']);
    at(state, 10_000, ['-t', 'nat', '-F']);
    at(state, 10_000, ['-t', 'nat', '-X']);
    applyCommand(state, { type: 'createPod', namespace: 'default', name: 'web-4', labels: { app: 'web' }, containers: [{ name: 'nginx', image: 'nginx' }] }, 20_000);
    expect(explainIptablesRecovery(state, NODE, 15_000)).toContain('will fail on the missing chains');
    const syncs = controllerOccurrences(state, 10_000, 60_000).filter((o) => o.type === 'KubeProxySynced' && o.node === NODE);
    expect(syncs.map((s) => s.type === 'KubeProxySynced' && [s.time, s.full, s.ok, s.reason])).toEqual([
      [20_000, false, false, 'change'],
      [50_000, true, true, 'retry-after-failure'],
    ]);
    expect(rules(state, 49_999, 'nat', 'PREROUTING')).toBe(0);
    expect(rules(state, 50_000, 'nat', 'PREROUTING')).toBe(1);
    // web-4 has no container port 80 declared, yet a numeric targetPort needs none: 4 endpoints now.
    expect(view(state, 50_000, ['-t', 'nat', '-S'])).not.toBe(natBefore);
    expect(view(state, 50_000, ['-t', 'nat', '-S']).match(/-j DNAT/g)).toHaveLength(4 + 4);
  });

  it('kubectl rollout restart ds kube-proxy: a full sync at the restart brings the jumps back at once', () => {
    const state = lab('1.28+');
    at(state, 10_000, ['-t', 'nat', '-F']);
    const before = [...state.pods.values()].filter((p) => p.owner?.name === 'kube-proxy').map((p) => p.name);
    const events = applyCommand(state, { type: 'restartKubeProxy' }, 15_000);
    expect(events.map((e) => e.type)).toEqual(['PodDeleted', 'PodCreated', 'PodDeleted', 'PodCreated', 'KubeProxyRestarted']);
    const after = [...state.pods.values()].filter((p) => p.owner?.name === 'kube-proxy').map((p) => p.name);
    expect(after).toHaveLength(2);
    expect(after.some((name) => before.includes(name))).toBe(false);
    expect(rules(state, 14_999, 'nat', 'PREROUTING')).toBe(0);
    expect(rules(state, 15_000, 'nat', 'PREROUTING')).toBe(1);
    expect(controllerOccurrences(state, 15_000, 15_001).filter((o) => o.type === 'KubeProxySynced')).toEqual([
      expect.objectContaining({ node: 'minikube', full: true, reason: 'startup' }),
      expect.objectContaining({ node: 'minikube-m02', full: true, reason: 'startup' }),
    ]);
  });

  it('deleting one kube-proxy pod restarts kube-proxy on its node only', () => {
    const state = lab('1.28+');
    const pod = [...state.pods.values()].find((p) => p.owner?.name === 'kube-proxy' && p.node === 'minikube-m02')!;
    const events = applyCommand(state, { type: 'deletePod', namespace: 'kube-system', name: pod.name }, 7_000);
    expect(events.map((e) => e.type)).toEqual(['PodDeleted', 'PodCreated', 'KubeProxyRestarted']);
    expect(events[2].data).toEqual({ nodes: ['minikube-m02'] });
  });
});

describe('iptables on a node: bad input', () => {
  it.each([
    [['-t', 'nat', '-A', 'NOPE', '-j', 'ACCEPT'], 1, 'iptables: No chain/target/match by that name.\n'],
    [['-t', 'bogus', '-L'], 2, "iptables v1.8.9 (nf_tables): table 'bogus' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\nTry `iptables -h' or 'iptables --help' for more information.\n"],
    [['-A', 'INPUT', '-p', 'tcp', '--dport', 'eighty', '-j', 'ACCEPT'], 2, "iptables v1.8.9 (nf_tables): invalid port/service `eighty' specified\nTry `iptables -h' or 'iptables --help' for more information.\n"],
  ])('iptables %j prints iptables\' own error, exits %i and appends nothing', (args, exitCode, stderr) => {
    const state = lab('1.26');
    const run = runNodeIptables(state, NODE, args, 1_000);
    expect(run.exitCode).toBe(exitCode);
    expect(run.stderr).toBe(stderr);
    expect(run.events).toEqual([]);
    const version = state.version;
    expect(() => at(state, 1_000, args)).toThrow(SimulatorError);
    expect(state.version).toBe(version);
  });

  it('reads are not events', () => {
    const state = lab('1.26');
    for (const args of [['-t', 'nat', '-vnL'], ['-S'], ['-L', 'INPUT', '-n', '--line-numbers']]) {
      expect(runNodeIptables(state, NODE, args, 1_000)).toMatchObject({ exitCode: 0, events: [] });
    }
  });
});

describe('the timeline\'s sentence after an iptables change', () => {
  it('the timeline explains each of the user\'s iptables changes in one sentence, once per instant, beside the syncs', () => {
    const state = lab('1.28+');
    at(state, 5_000, ['-t', 'nat', '-F']);
    at(state, 5_000, ['-t', 'nat', '-X']);
    at(state, 12_000, ['-A', 'INPUT', '-s', '10.9.9.9', '-j', 'DROP']);
    const explained = controllerOccurrences(state, 0, 60_000).filter((o) => o.type === 'IptablesRecovery');
    expect(explained).toEqual([
      {
        kind: 'derived', type: 'IptablesRecovery', node: NODE, time: 5_000, seq: expect.any(Number),
        explanation: expect.stringMatching(/^kube-proxy 1\.28\+'s service chains were deleted: its next sync, a partial one at .*, will fail on the missing chains, and the full sync it retries 30s later, at .*, restores every rule and jump\.$/),
      },
      { kind: 'derived', type: 'IptablesRecovery', node: NODE, time: 12_000, seq: expect.any(Number), explanation: explainIptablesRecovery(state, NODE, 12_000) },
    ]);
    expect(explained[0].seq).toBe(state.proxy.nodes.get(NODE)!.mutations[1].seq);
    // Windows of the live feed each carry the sentences of their own commands only.
    expect(controllerOccurrences(state, 5_001, 60_000).filter((o) => o.type === 'IptablesRecovery').map((o) => o.time)).toEqual([12_000]);
  });
});

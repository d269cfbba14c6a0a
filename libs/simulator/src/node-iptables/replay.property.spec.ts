import fc from 'fast-check';
import { applyCommand, fromSnapshot, initialState, replay, SimulatorError, toSnapshot } from '..';
import type { AppliedEvent, Command, LabState } from '..';
import { controllerOccurrences } from './occurrences';
import { nodeIptablesSave } from './run-iptables';

const NODES = ['minikube', 'minikube-m02'];
const node = fc.constantFrom(...NODES);
const app = fc.constantFrom('a', 'b');
const step: fc.Arbitrary<Command> = fc.oneof(
  fc.tuple(fc.constantFrom('s1', 's2', 's3'), app, fc.constantFrom('ClusterIP', 'NodePort') as fc.Arbitrary<'ClusterIP' | 'NodePort'>).map<Command>(([name, selected, type]) => ({
    type: 'applyService',
    service: { namespace: 'default', name, type, selector: { app: selected }, ports: [{ port: 80, targetPort: 8080 }] },
  })),
  fc.constantFrom('s1', 's2', 's3').map<Command>((name) => ({ type: 'deleteService', namespace: 'default', name })),
  fc.tuple(fc.constantFrom('p1', 'p2', 'p3', 'p4'), app, node).map<Command>(([name, selected, nodeName]) => ({
    type: 'createPod', namespace: 'default', name, labels: { app: selected }, nodeName, containers: [{ name: 'c', image: 'x' }],
  })),
  fc.constantFrom('p1', 'p2', 'p3', 'p4').map<Command>((name) => ({ type: 'deletePod', namespace: 'default', name })),
  fc.tuple(node, fc.constantFrom(['-F'], ['-t', 'nat', '-F'], ['-t', 'nat', '-X'], ['-Z'], ['-A', 'INPUT', '-s', '10.1.2.3', '-j', 'DROP'], ['-t', 'mangle', '-X', 'KUBE-PROXY-CANARY'])).map<Command>(
    ([nodeName, args]) => ({ type: 'iptables', node: nodeName, args: [...args] }),
  ),
  fc.option(node, { nil: undefined }).map<Command>((nodeName) => ({ type: 'restartKubeProxy', node: nodeName })),
);

const tables = (state: LabState, time: number) => NODES.map((name) => nodeIptablesSave(state, name, { time }));

function live(version: '1.26' | '1.28+', steps: [Command, number][], readAlong: boolean): { state: LabState; events: AppliedEvent[] } {
  const state = initialState();
  const events = applyCommand(state, { type: 'createLab', name: 'prop', cluster: { kubeProxy: { version } } }, 0);
  for (const name of NODES) events.push(...applyCommand(state, { type: 'addNode', name }, 0));
  let time = 0;
  for (const [command, gap] of steps) {
    time += gap;
    try {
      events.push(...applyCommand(state, command, time));
    } catch (error) {
      if (!(error instanceof SimulatorError)) throw error;
    }
    // Reading as a user would, between commands: later reads extend these runs instead of starting over.
    if (readAlong) tables(state, time + 1_500);
  }
  return { state, events };
}


describe('node tables are a function of the history', () => {
  it.each(['1.26', '1.28+'] as const)('kube-proxy %s: live, replayed and snapshot-restored labs give identical tables and syncs', (version) => {
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.integer({ min: 0, max: 40_000 })), { maxLength: 14 }), fc.integer({ min: 0, max: 120_000 }), fc.boolean(), (steps, wait, readAlong) => {
        const { state, events } = live(version, steps, readAlong);
        const end = state.time + wait;
        const replayed = replay(events);
        const restored = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(state))));
        const expected = tables(state, end);
        expect(tables(replayed, end)).toEqual(expected);
        expect(tables(restored, end)).toEqual(expected);
        expect(controllerOccurrences(replayed, 0, end)).toEqual(controllerOccurrences(state, 0, end));
      }),
      { numRuns: 30 },
    );
  });
});

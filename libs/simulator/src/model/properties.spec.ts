import fc from 'fast-check';
import type { LabState } from '../cluster/types';
import { cidrContains, parseCidr, parseIp } from '../net/ipv4';
import { applyCommand } from './apply';
import type { Command } from './commands';
import { SimulatorError } from './errors';
import { replay, type AppliedEvent } from './evolve';
import { fromSnapshot, initialState, toSnapshot } from './state';

// Small node ranges (/29: 5 pod addresses) so that histories hit exhaustion and wrap-around.
const cluster = { podCIDR: '10.0.0.0/26', nodeCIDRMaskSize: 29 };
const nodeName = fc.constantFrom('minikube', 'minikube-m02', 'minikube-m03', 'minikube-m04');
const podName = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h');
const step: fc.Arbitrary<Command> = fc.oneof(
  fc.constant<Command>({ type: 'addNode' }),
  nodeName.map<Command>((name) => ({ type: 'removeNode', name })),
  fc.tuple(podName, fc.option(nodeName, { nil: undefined }), fc.boolean()).map<Command>(([name, node, hostNetwork]) => ({
    type: 'createPod',
    namespace: 'default',
    name,
    nodeName: node,
    hostNetwork,
    containers: [{ name: 'c', image: 'x' }],
  })),
  podName.map<Command>((name) => ({ type: 'deletePod', namespace: 'default', name })),
);

function live(commands: Command[]): { state: LabState; events: AppliedEvent[] } {
  const state = initialState();
  const events = applyCommand(state, { type: 'createLab', name: 'prop', cluster }, 0);
  commands.forEach((command, i) => {
    try {
      events.push(...applyCommand(state, command, (i + 1) * 1000));
    } catch (error) {
      if (!(error instanceof SimulatorError)) throw error;
    }
  });
  return { state, events };
}

describe('model properties', () => {
  it('live state == replay of its events == fromSnapshot(toSnapshot(state))', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (commands) => {
        const { state, events } = live(commands);
        const snapshot = toSnapshot(state);
        expect(toSnapshot(replay(structuredClone(events)))).toEqual(snapshot);
        expect(toSnapshot(fromSnapshot(JSON.parse(JSON.stringify(snapshot))))).toEqual(snapshot);
        // A snapshot plus the tail of the history equals the full replay.
        const cut = Math.floor(events.length / 2);
        expect(toSnapshot(replay(events.slice(cut), fromSnapshot(toSnapshot(replay(events.slice(0, cut))))))).toEqual(snapshot);
      }),
      { numRuns: 150 },
    );
  });

  it('no two pods share an address, and every pod address lies in its node\'s podCIDR', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (commands) => {
        const { state } = live(commands);
        const seen = new Set<string>();
        for (const pod of state.pods.values()) {
          const node = state.nodes.get(pod.node)!;
          if (pod.hostNetwork) {
            expect(pod.ip).toBe(node.ip);
            continue;
          }
          expect(seen.has(pod.ip)).toBe(false);
          seen.add(pod.ip);
          expect(cidrContains(parseCidr(node.podCIDR)!, parseIp(pod.ip)!)).toBe(true);
          expect(node.allocated.get(pod.ip)).toBe(`${pod.namespace}/${pod.name}`);
        }
        const allocated = [...state.nodes.values()].reduce((sum, node) => sum + node.allocated.size, 0);
        expect(allocated).toBe(seen.size);
      }),
      { numRuns: 150 },
    );
  });
});

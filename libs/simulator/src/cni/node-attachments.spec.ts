import fc from 'fast-check';
import type { LabState, NodeState } from '../cluster/types';
import { applyCommand } from '../model/apply';
import type { Command } from '../model/commands';
import { SimulatorError } from '../model/errors';
import { initialState } from '../model/state';
import { hostIfTaken, mayHoldContainer } from './node-attachments';

/** What the index must answer: a walk over the node's pods. */
function walk(state: LabState, node: NodeState) {
  const containers = new Set<string>();
  const hostIfs = new Set<string>();
  for (const key of node.pods) {
    const pod = state.pods.get(key);
    if (pod?.containerId) containers.add(pod.containerId);
    if (pod?.vethName) hostIfs.add(pod.vethName);
  }
  return { containers, hostIfs };
}

const pod = (name: string, nodeName?: string): Command => ({ type: 'createPod', namespace: 'default', name, ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }] });

const step = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('create' as const), name: fc.integer({ min: 0, max: 11 }), node: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), name: fc.integer({ min: 0, max: 11 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('plugin' as const), plugin: fc.constantFrom('bridge' as const, 'flannel' as const, 'calico' as const, 'cilium' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('addNode' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeNode' as const), node: fc.integer({ min: 1, max: 3 }) }) },
);

describe('node attachments', () => {
  it('answers as a walk over the node pods after any sequence of pod creations, deletions, plugin changes and node changes', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const state = initialState();
        applyCommand(state, { type: 'createLab', name: 'index' });
        applyCommand(state, { type: 'addNode' });
        applyCommand(state, { type: 'addNode' });
        const seen = { containers: new Set<string>(), hostIfs: new Set<string>() };
        const check = () => {
          for (const node of state.nodes.values()) {
            const truth = walk(state, node);
            for (const id of truth.containers) seen.containers.add(id);
            for (const name of truth.hostIfs) seen.hostIfs.add(name);
            for (const id of seen.containers) expect(mayHoldContainer(state, node, id)).toBe(truth.containers.has(id));
            for (const name of seen.hostIfs) expect(hostIfTaken(state, node, name)).toBe(truth.hostIfs.has(name));
          }
        };
        // The index exists from the start, so that evolve keeps it through every step.
        check();
        for (const next of steps) {
          const nodes = [...state.nodes.keys()];
          const command: Command =
            next.kind === 'create'
              ? pod(`p${next.name}`, nodes[next.node % nodes.length])
              : next.kind === 'delete'
                ? { type: 'deletePod', namespace: 'default', name: `p${next.name}` }
                : next.kind === 'plugin'
                  ? { type: 'changePlugin', cni: { plugin: next.plugin } }
                  : next.kind === 'addNode'
                    ? { type: 'addNode' }
                    : { type: 'removeNode', name: nodes[next.node % nodes.length] };
          try {
            applyCommand(state, command);
          } catch (error) {
            if (!(error instanceof SimulatorError)) throw error;
          }
          check();
        }
      }),
      { numRuns: 60 },
    );
  });
});

import { applyCommand, initialState } from '..';
import type { LabState } from '..';
import { runIptables } from '../iptables';
import { cloneNetfilter } from './clone';
import { countPacket, countPolicy } from './count-packet';
import { nodeTables } from './node-tables';
import { runNodeIptables } from './run-iptables';

function lab(): LabState {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'counters' }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  applyCommand(state, { type: 'addNode' }, 0);
  return state;
}

describe('countPacket', () => {
  it('counts a traced packet on one node\'s rule only, shown by -vnL and -vnxL, zeroed by -Z', () => {
    const state = lab();
    const tables = cloneNetfilter(nodeTables(state, 'minikube', 1_000));
    const other = nodeTables(state, 'minikube-m02', 1_000);
    const index = tables.nat.chains.get('KUBE-SERVICES')!.rules.findIndex((rule) => rule.destination?.prefix === 32);
    for (let i = 0; i < 3; i++) countPacket(tables, 'nat', 'KUBE-SERVICES', index, 60);
    countPolicy(tables, 'nat', 'PREROUTING', 60);

    const rule = tables.nat.chains.get('KUBE-SERVICES')!.rules[index];
    expect(rule.counters).toEqual({ packets: 3, bytes: 180 });
    expect(other.nat.chains.get('KUBE-SERVICES')!.rules[index].counters).toEqual({ packets: 0, bytes: 0 });
    expect(nodeTables(state, 'minikube', 1_000).nat.chains.get('KUBE-SERVICES')!.rules[index].counters).toEqual({ packets: 0, bytes: 0 });
    expect(tables.nat.chains.get('PREROUTING')!.policyCounters).toEqual({ packets: 1, bytes: 60 });
    expect(() => countPacket(tables, 'nat', 'KUBE-SERVICES', 999, 60)).toThrow(RangeError);
    expect(runNodeIptables(state, 'minikube', ['-t', 'nat', '-vnL', 'KUBE-SERVICES'], 1_000).stdout).toContain('    0     0 KUBE-SVC-NPX46M4PTMTKRN6Y');
    expect(runIptables(tables, ['-t', 'nat', '-vnL', 'KUBE-SERVICES']).stdout).toContain('    3   180 KUBE-SVC-NPX46M4PTMTKRN6Y');
    expect(runIptables(tables, ['-t', 'nat', '-vnL', 'PREROUTING']).stdout).toContain('Chain PREROUTING (policy ACCEPT 1 packets, 60 bytes)');
    expect(runIptables(tables, ['-t', 'nat', '-Z']).exitCode).toBe(0);
    expect(runIptables(tables, ['-t', 'nat', '-vnL', 'KUBE-SERVICES']).stdout).toContain('    0     0 KUBE-SVC-NPX46M4PTMTKRN6Y');
  });
});

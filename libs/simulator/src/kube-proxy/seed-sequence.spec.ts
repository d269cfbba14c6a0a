import { renderIptablesSave, runIptables } from '../iptables';
import type { Netfilter } from '../iptables';
import { sampleNodeInput } from './__fixtures__/sample-node';
import { bootNode } from './boot-node';
import { explainNextSync } from './explain';
import { applyKubeProxySync, natChainNames } from './node-chains';
import type { KubeProxyRuleBuilder, ServiceChange } from './ruleset';
import { afterSync, nextSync } from './sync-policy';
import type { NextSync, SyncLoopState } from './sync-policy';
import { DEFAULT_KUBE_PROXY_CONFIG } from './types';
import type { KubeProxyInput, KubeProxyVersion } from './types';

/** Seed 002: `iptables -t nat -vnL`, `iptables -F`, wait, `iptables -t nat -vnL` (and the filter table). */
function lab(version: KubeProxyVersion) {
  const input = sampleNodeInput(version);
  const { netfilter, builder } = bootNode(input);
  const config = { ...DEFAULT_KUBE_PROXY_CONFIG, version };
  let state: SyncLoopState = { startedAt: 0, lastSyncAt: 0, needFullSync: false };
  const run = (sync: NextSync, changes: ServiceChange[] = []) => {
    const output = sync.kind === 'full' ? builder.fullSync(input, natChainNames(netfilter)) : builder.partialSync(changes);
    const applied = applyKubeProxySync(netfilter, output, version);
    state = afterSync(state, sync, sync.at, applied.restore.ok);
    return applied;
  };
  return { input, netfilter, builder, config, run, state: () => state, setState: (s: SyncLoopState) => (state = s) };
}

const save = (netfilter: Netfilter, table: 'filter' | 'nat') => renderIptablesSave(netfilter, 'T', table);

function webChange(input: KubeProxyInput): ServiceChange {
  const service = input.services.find((s) => s.name === 'web')!;
  return { key: 'default/web', service, endpoints: new Map([['default/web', input.endpoints.get('default/web')!.slice(1)]]) };
}

describe('seed 002 on kube-proxy 1.26: the rules come back by themselves', () => {
  it('iptables -F empties filter; the next periodic full sync 30s later restores every kube-proxy rule', () => {
    const { netfilter, config, run, state } = lab('1.26');
    const before = { filter: save(netfilter, 'filter'), nat: save(netfilter, 'nat') };
    const natView = runIptables(netfilter, ['-t', 'nat', '-vnL']).stdout;
    expect(natView).toContain('KUBE-SVC-LOLE4ISW44XBNF3G  6    --  *      *       0.0.0.0/0            10.20.15.7           /* default/web cluster IP */ tcp dpt:80');

    expect(runIptables(netfilter, ['-F']).exitCode).toBe(0);
    expect(netfilter.filter.chains.get('INPUT')!.rules).toHaveLength(0);
    expect(runIptables(netfilter, ['-t', 'nat', '-vnL']).stdout).toBe(natView);

    const next = nextSync(config, state(), 10_000);
    expect(next).toMatchObject({ at: 30_000, kind: 'full', reason: 'periodic' });
    expect(explainNextSync(config, next)).toBe('kube-proxy 1.26 rewrites every rule on each full sync every 30s: the rules come back at 00:30.');
    expect(run(next).restore.ok).toBe(true);
    expect(save(netfilter, 'nat')).toBe(before.nat);
    // kubelet's KUBE-FIREWALL rule and jumps are kubelet's: it only rewrites them when its own canary goes.
    const kubelet = (line: string) => line.includes('KUBE-FIREWALL') && line.startsWith('-A');
    const lines = (text: string) => text.split('\n');
    expect(lines(save(netfilter, 'filter'))).toEqual(lines(before.filter).filter((line) => !kubelet(line)));
    expect(lines(before.filter).filter(kubelet)).toHaveLength(3);
  });
});

describe('seed 002 on kube-proxy 1.28+: partial syncs do not bring the jumps back', () => {
  it('after iptables -F the next sync is the hourly partial one, which restores KUBE-* contents but not the jumps', () => {
    const { netfilter, config, run, state } = lab('1.28+');
    const before = save(netfilter, 'filter');
    runIptables(netfilter, ['-F']);

    const next = nextSync(config, state(), 10_000);
    expect(next).toMatchObject({ at: 3_600_000, kind: 'partial', reason: 'hourly' });
    expect(explainNextSync(config, next)).toContain('the next sync is a partial one at 1:00:00');
    expect(run(next).restore.ok).toBe(true);
    expect(netfilter.filter.chains.get('KUBE-FORWARD')!.rules).toHaveLength(3);
    expect(netfilter.filter.chains.get('INPUT')!.rules).toHaveLength(0);
    expect(netfilter.filter.chains.get('FORWARD')!.rules).toHaveLength(0);
    expect(save(netfilter, 'filter')).not.toBe(before);
  });

  it('iptables -t nat -F leaves ClusterIPs broken after a partial sync: PREROUTING/OUTPUT jumps stay gone', () => {
    const { input, netfilter, config, run, state } = lab('1.28+');
    runIptables(netfilter, ['-t', 'nat', '-F']);
    const partial = nextSync(config, { ...state(), pendingChangeSince: 20_000 }, 20_000);
    expect(partial).toMatchObject({ at: 20_000, kind: 'partial', reason: 'change' });
    expect(run(partial, [webChange(input)]).restore.ok).toBe(true);
    expect(netfilter.nat.chains.get('KUBE-SERVICES')!.rules.length).toBeGreaterThan(1);
    expect(netfilter.nat.chains.get('PREROUTING')!.rules).toHaveLength(0);
  });

  it('iptables -t nat -F; -X makes the next partial sync fail, and the full sync 30s later restores everything', () => {
    const { input, netfilter, config, run, state } = lab('1.28+');
    runIptables(netfilter, ['-t', 'nat', '-F']);
    expect(runIptables(netfilter, ['-t', 'nat', '-X']).exitCode).toBe(0);

    const partial = nextSync(config, { ...state(), pendingChangeSince: 20_000 }, 20_000);
    const failed = run(partial, [webChange(input)]);
    expect(failed.restore).toMatchObject({ ok: false, exitCode: 2 });
    expect(failed.restore.ok ? '' : failed.restore.stderr).toMatch(/^iptables-restore v1\.8\.9 \(nf_tables\): Chain 'KUBE-SVC-\w+' does not exist\n/);

    const retry = nextSync(config, state(), 20_000);
    expect(retry).toMatchObject({ at: 50_000, kind: 'full', reason: 'retry-after-failure' });
    expect(explainNextSync(config, retry)).toContain('at 00:50');
    const applied = run(retry);
    expect(applied.restore.ok).toBe(true);
    expect(applied.restoredJumps).toEqual(['nat OUTPUT -> KUBE-SERVICES', 'nat PREROUTING -> KUBE-SERVICES', 'nat POSTROUTING -> KUBE-POSTROUTING']);
    expect(netfilter.nat.chains.get('PREROUTING')!.rules).toHaveLength(1);
  });

  it('deleting the mangle canary is noticed at the next 30s poll (+5s wait) and repaired by a full sync', () => {
    const { netfilter, config, state } = lab('1.28+');
    runIptables(netfilter, ['-F']);
    runIptables(netfilter, ['-t', 'mangle', '-X', 'KUBE-PROXY-CANARY']);
    const next = nextSync(config, { ...state(), canaryDeletedAt: 40_000 }, 40_000);
    expect(next).toMatchObject({ at: 65_000, kind: 'full', reason: 'canary-lost' });
  });
});

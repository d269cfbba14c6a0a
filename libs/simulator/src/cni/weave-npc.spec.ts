import type { NetworkPolicy } from '../netpol/types';
import { trace } from '../datapath';
import { applyCommand } from '../model/apply';
import { appPod, terminal, testLab } from '../shell/test-lab';
import { parseIptablesArgs, saveRuleSpec } from '../iptables';
import { selectorString, shortName, weaveNpc } from './weave-npc';

/** A 2-node weave lab: db on minikube-m02, app and other on minikube. */
function weaveLab() {
  const state = testLab({ cni: { plugin: 'weave' } }, 2);
  appPod(state, 'db', 'minikube-m02', 'postgres', [{ name: 'pg', containerPort: 5432, protocol: 'TCP' }]);
  appPod(state, 'app', 'minikube', 'busybox');
  appPod(state, 'other', 'minikube', 'busybox');
  return state;
}

const policy = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ metadata: { name, namespace: 'default' }, spec });
const dbAllow = policy('db-allow', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'app' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }] });

const save = (state: ReturnType<typeof weaveLab>, node = 'minikube-m02') => {
  const output = terminal(state).run(`minikube ssh -n ${node} -- sudo iptables-save`).output;
  expect(output.stderr).toBe('');
  return output.stdout.split('\n');
};

describe("weave-npc's chains and ipsets", () => {
  it('names ipsets as weave-npc does: weave- + base-85 sha1 (the DefaultAllow sets of a real node)', () => {
    // iptables-save of a weave 2.x node (public GitHub capture, 2018): the same names for the same namespaces.
    expect(`weave-${shortName('ingress-default-allow:default')}`).toBe('weave-;rGqyMIl1HN^cfDki~Z$3]6!N');
    expect(`weave-${shortName('ingress-default-allow:kube-system')}`).toBe('weave-P.B|!ZhkAr5q=XZ?3}tMBA+0');
    expect(`weave-${shortName('egress-default-allow:default')}`).toBe('weave-s_+ChJId4Uy_$}G;WdH|~TK)I');
    expect(selectorString({ matchLabels: { pod: 'a', app: 'x' }, matchExpressions: [{ key: 'ns', operator: 'In', values: ['z', 'y'] }, { key: 'gone', operator: 'DoesNotExist' }] })).toBe('app=x,!gone,ns in (y,z),pod=a');
  });

  it("the router's FORWARD steering and weave-npc's static chains, as on a real node", () => {
    const lines = save(weaveLab());
    const forward = lines.filter((line) => line.startsWith('-A FORWARD'));
    expect(forward.slice(0, 6)).toEqual([
      `-A FORWARD -i weave -m comment --comment "NOTE: this must go before \\'-j KUBE-FORWARD\\'" -j WEAVE-NPC-EGRESS`,
      `-A FORWARD -o weave -m comment --comment "NOTE: this must go before \\'-j KUBE-FORWARD\\'" -j WEAVE-NPC`,
      '-A FORWARD -o weave -m state --state NEW -j NFLOG --nflog-group 86',
      '-A FORWARD -o weave -j DROP',
      '-A FORWARD -i weave ! -o weave -j ACCEPT',
      '-A FORWARD -o weave -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ]);
    expect(lines.filter((line) => line.startsWith('-A WEAVE-NPC ') || line.startsWith('-A WEAVE-NPC-EGRESS '))).toEqual([
      '-A WEAVE-NPC -m state --state RELATED,ESTABLISHED -j ACCEPT',
      '-A WEAVE-NPC -d 224.0.0.0/4 -j ACCEPT',
      '-A WEAVE-NPC -m physdev --physdev-out vethwe-bridge -j ACCEPT',
      '-A WEAVE-NPC -m state --state NEW -j WEAVE-NPC-DEFAULT',
      '-A WEAVE-NPC -m state --state NEW -j WEAVE-NPC-INGRESS',
      '-A WEAVE-NPC-EGRESS -m state --state RELATED,ESTABLISHED -j ACCEPT',
      '-A WEAVE-NPC-EGRESS -m physdev --physdev-in vethwe-bridge -j RETURN',
      '-A WEAVE-NPC-EGRESS -d 224.0.0.0/4 -j RETURN',
      '-A WEAVE-NPC-EGRESS -m state --state NEW -j WEAVE-NPC-EGRESS-DEFAULT',
      '-A WEAVE-NPC-EGRESS -m state --state NEW -m mark ! --mark 0x40000/0x40000 -j WEAVE-NPC-EGRESS-CUSTOM',
      '-A WEAVE-NPC-EGRESS -m state --state NEW -m mark ! --mark 0x40000/0x40000 -j NFLOG --nflog-group 86',
      '-A WEAVE-NPC-EGRESS -m mark ! --mark 0x40000/0x40000 -j DROP',
    ]);
    expect(lines).toContain('-A WEAVE-NPC-DEFAULT -m set --match-set weave-;rGqyMIl1HN^cfDki~Z$3]6!N dst -m comment --comment "DefaultAllow ingress isolation for namespace: default" -j ACCEPT');
    expect(lines).toContain('-A WEAVE ! -s 10.32.0.0/12 -d 10.32.0.0/12 -j MASQUERADE');
  });

  it('a policy becomes ipsets of its selectors and one WEAVE-NPC-INGRESS rule; the selected pod leaves the DefaultAllow set', () => {
    const state = weaveLab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: dbAllow });
    const [app, db, other] = ['app', 'db', 'other'].map((name) => state.pods.get(`default/${name}`)!);
    const { ipsets } = weaveNpc(state);
    const source = `weave-${shortName('default:app=app')}`;
    const target = `weave-${shortName('default:app=db')}`;
    expect(save(state)).toContain(
      `-A WEAVE-NPC-INGRESS -p tcp -m set --match-set ${source} src -m set --match-set ${target} dst -m tcp --dport 5432 -m comment --comment "pods: namespace: default, selector: app=app -> pods: namespace: default, selector: app=db (ingress)" -j ACCEPT`,
    );
    expect(ipsets.get(source)).toEqual({ type: 'hash:ip', entries: [{ value: app.ip, comment: 'namespace: default, pod: app' }] });
    expect(ipsets.get(target)!.entries.map((entry) => entry.value)).toEqual([db.ip]);
    const defaultAllow = ipsets.get(`weave-${shortName('ingress-default-allow:default')}`)!.entries.map((entry) => entry.value);
    expect(defaultAllow).toEqual(expect.arrayContaining([app.ip, other.ip]));
    expect(defaultAllow).not.toContain(db.ip);
  });

  it('refuses a policy with a named port (it isolates nothing) and reads only the first port of a range, as weave-npc 2.8.1', () => {
    const state = weaveLab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: policy('named', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 'pg' }] }] }) });
    applyCommand(state, { type: 'applyNetworkPolicy', policy: policy('range', { podSelector: { matchLabels: { app: 'app' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 80, endPort: 90 }] }] }) });
    const npc = weaveNpc(state);
    expect(npc.rejected.get('default/named')).toBe('named ports in network policies is not supported yet. Rejecting network policy: named from further processing. named port pg in network policy');
    const defaultAllow = npc.ipsets.get(`weave-${shortName('ingress-default-allow:default')}`)!.entries.map((entry) => entry.value);
    expect(defaultAllow).toContain(state.pods.get('default/db')!.ip);
    expect(defaultAllow).not.toContain(state.pods.get('default/app')!.ip);
    const ingress = save(state).filter((line) => line.startsWith('-A WEAVE-NPC-INGRESS'));
    expect(ingress).toEqual([`-A WEAVE-NPC-INGRESS -p tcp -m set --match-set weave-${shortName('default:app=app')} dst -m tcp --dport 80 -m comment --comment "anywhere -> pods: namespace: default, selector: app=app (ingress)" -j ACCEPT`]);
  });

  it('the tracer follows weave-npc where it departs from the API: a refused named-port policy isolates nothing, a range allows its first port', () => {
    const state = weaveLab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: policy('named', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 'pg' }] }] }) });
    applyCommand(state, { type: 'applyNetworkPolicy', policy: policy('range', { podSelector: { matchLabels: { app: 'app' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port: 80, endPort: 90 }] }] }) });
    // The API isolates db to 5432; weave-npc refused the policy, so port 80 reaches db (where nothing listens).
    const toDb = trace(state, { from: 'default/other', to: 'default/db', port: 80, protocol: 'TCP' });
    expect(toDb.verdict).toBe('refused');
    expect(toDb.hops.find((hop) => hop.layer === 'policy' && hop.node === 'minikube-m02')!.summary).toBe(
      "The API would stop this ingress (default/named), but weave-npc refused default/named (named ports in network policies is not supported yet), so it isolates nothing: weave-npc's chains accept it.",
    );
    // The API allows 80-90 into app; weave-npc wrote --dport 80 only.
    expect(trace(state, { from: 'default/other', to: 'default/app', port: 80, protocol: 'TCP' }).verdict).toBe('refused');
    expect(trace(state, { from: 'default/other', to: 'default/app', port: 85, protocol: 'TCP' })).toMatchObject({
      verdict: 'dropped',
      reason: 'ingress denied by weave-npc: weave-npc reads only the first port of a port range (endPort is ignored)',
    });
  });

  it("leaves the node's own traffic to its pods alone (OUTPUT, not FORWARD); another node's is policed", () => {
    const state = weaveLab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: policy('deny-app', { podSelector: { matchLabels: { app: 'app' } }, policyTypes: ['Ingress'], ingress: [] }) });
    expect(trace(state, { from: { node: 'minikube' }, to: 'default/app', port: 80, protocol: 'TCP' }).verdict).toBe('refused');
    expect(trace(state, { from: { node: 'minikube-m02' }, to: 'default/app', port: 80, protocol: 'TCP' }).verdict).toBe('dropped');
  });

  it('iptables parses and saves the set, physdev and state matches and the NFLOG target', () => {
    for (const spec of ['-m set ! --match-set weave-x src -j RETURN', '-m physdev --physdev-in vethwe-bridge --physdev-out vethwepl1234567 -j ACCEPT', '-m state --state RELATED,ESTABLISHED -j ACCEPT', '-o weave -j NFLOG --nflog-group 86']) {
      const command = parseIptablesArgs(['-A', 'X', ...spec.split(' ')]);
      expect('rule' in command && saveRuleSpec(command.rule!).trim()).toBe(spec);
    }
  });

  it("the tracer on a node whose tables the user changed decides through weave-npc's chains, as on the others", () => {
    const state = weaveLab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: dbAllow });
    for (const node of ['minikube', 'minikube-m02']) applyCommand(state, { type: 'iptables', node, args: ['-A', 'INPUT', '-s', '192.0.2.1', '-j', 'DROP'] });
    const allowed = trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(allowed.verdict).toBe('delivered');
    expect(allowed.traversed.some((rule) => rule.node === 'minikube-m02' && rule.chain === 'WEAVE-NPC-INGRESS')).toBe(true);
    const denied = trace(state, { from: 'default/other', to: 'default/db', port: 5432, protocol: 'TCP' });
    expect(denied).toMatchObject({ verdict: 'dropped', reason: 'ingress denied by NetworkPolicy default/db-allow: no rule allows TCP/5432' });
    // From the overlay (physdev-in vethwe-bridge) egress is not checked again; no WEAVE-NPC-DEFAULT/INGRESS rule accepts, FORWARD drops.
    expect(denied.traversed.filter((rule) => rule.node === 'minikube-m02').map((rule) => `${rule.chain} ${rule.rule}`)).toEqual([
      'FORWARD -i weave -m comment --comment "NOTE: this must go before \\\'-j KUBE-FORWARD\\\'" -j WEAVE-NPC-EGRESS',
      'WEAVE-NPC-EGRESS -m physdev --physdev-in vethwe-bridge -j RETURN',
      'FORWARD -o weave -m comment --comment "NOTE: this must go before \\\'-j KUBE-FORWARD\\\'" -j WEAVE-NPC',
      'WEAVE-NPC -m state --state NEW -j WEAVE-NPC-DEFAULT',
      'WEAVE-NPC -m state --state NEW -j WEAVE-NPC-INGRESS',
      'FORWARD -o weave -m state --state NEW -j NFLOG --nflog-group 86',
      'FORWARD -o weave -j DROP',
    ]);
    // Between pods of one node nothing isolates: the bridged frame passes WEAVE-NPC-EGRESS and WEAVE-NPC-DEFAULT.
    expect(trace(state, { from: 'default/other', to: 'default/app', port: 5432, protocol: 'TCP' }).verdict).toBe('refused');
  });
});

import { applyCommand } from '../model/apply';
import { initialState } from '../model/state';
import type { LabState } from '../cluster/types';
import { createNetfilter, renderIptablesSave } from '../iptables';
import { applyPluginChains } from './plugin-chains';
import { policyChainName } from './felix-chains';
import { nodeIptablesSave as labIptablesSave } from '../node-iptables';
import { replay, type AppliedEvent } from '../model/evolve';

/** The node's filter table with the plugin's chains as its agent writes them (on top of an empty FORWARD). */
function nodeIptablesSave(state: LabState, node: string, netfilter = createNetfilter()): string {
  applyPluginChains(netfilter, state, state.nodes.get(node)!);
  return renderIptablesSave(netfilter, 'Thu Jan  1 00:00:00 1970');
}

function calicoLab(plugin: 'calico' | 'flannel' = 'calico') {
  const state = initialState();
  applyCommand(state, { type: 'createLab', name: 'felix', cluster: { cni: { plugin } } });
  applyCommand(state, { type: 'addNode' });
  applyCommand(state, { type: 'addNode' });
  const run = (name: string, labels: Record<string, string>, nodeName: string) =>
    applyCommand(state, { type: 'createPod', namespace: 'default', name, labels, nodeName, containers: [{ name: 'c', image: 'x' }] });
  run('app', { app: 'app' }, 'minikube');
  run('db', { app: 'database' }, 'minikube-m02');
  return state;
}

const denyAll = { metadata: { name: 'default-deny', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Ingress' as const] } };
const allowAppToDb = {
  metadata: { name: 'postgres-allow', namespace: 'default' },
  spec: { podSelector: { matchLabels: { app: 'database' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'app' } } }], ports: [{ protocol: 'TCP' as const, port: 5432 }] }] },
};

const filterRules = (save: string) => save.slice(save.indexOf('*filter'), save.indexOf('COMMIT', save.indexOf('*filter'))).split('\n').filter((line) => line.startsWith('-A '));
const strip = (rule: string) => rule.replace(/ -m comment --comment "?cali:[A-Za-z0-9_-]{16}"?/, '');

describe("Felix's cali-* chains in the node's iptables-save", () => {
  it("without policies: FORWARD jumps to cali-FORWARD, each local workload endpoint's cali-fw-/cali-tw- chains pass through the namespace profile", () => {
    const state = calicoLab();
    const db = state.pods.get('default/db')!;
    const rules = filterRules(nodeIptablesSave(state, 'minikube-m02'));
    expect(rules.find((rule) => rule.startsWith('-A FORWARD '))).toMatch(/^-A FORWARD -m comment --comment "?cali:[A-Za-z0-9_-]{16}"? -j cali-FORWARD$/);
    expect(rules.filter((rule) => rule.startsWith('-A cali-to-wl-dispatch')).map(strip)).toEqual([`-A cali-to-wl-dispatch -o ${db.vethName} -j cali-tw-${db.vethName}`, `-A cali-to-wl-dispatch -o ${db.vethName} -j RETURN`, '-A cali-to-wl-dispatch -j DROP']);
    expect(rules.filter((rule) => rule.startsWith(`-A cali-tw-${db.vethName} `)).map(strip)).toEqual([
      `-A cali-tw-${db.vethName} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A cali-tw-${db.vethName} -m conntrack --ctstate INVALID -j DROP`,
      `-A cali-tw-${db.vethName} -j MARK --set-xmark 0x0/0x10000`,
      `-A cali-tw-${db.vethName} -j cali-pri-kns.default`,
      `-A cali-tw-${db.vethName} -m mark --mark 0x10000/0x10000 -j RETURN`,
      `-A cali-tw-${db.vethName} -j DROP`,
    ]);
    expect(rules.filter((rule) => rule.startsWith('-A cali-pri-kns.default ')).map(strip)).toEqual([
      '-A cali-pri-kns.default -j MARK --set-xmark 0x10000/0x10000',
      '-A cali-pri-kns.default -m mark --mark 0x10000/0x10000 -j RETURN',
    ]);
    // The other node's pods have no chains here.
    expect(rules.some((rule) => rule.includes(state.pods.get('default/app')!.vethName!))).toBe(false);
  });

  it('deny-all then allow app → db 5432: the endpoint chain runs each policy chain, returns on the mark and drops the rest', () => {
    const state = calicoLab();
    applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll });
    applyCommand(state, { type: 'applyNetworkPolicy', policy: allowAppToDb });
    const [db, app] = [state.pods.get('default/db')!, state.pods.get('default/app')!];
    const rules = filterRules(nodeIptablesSave(state, 'minikube-m02'));
    const deny = policyChainName('in', denyAll);
    const allow = policyChainName('in', allowAppToDb);
    expect(deny).toMatch(/^cali-pi-_[A-Za-z0-9_-]{19}$/);
    expect(rules.filter((rule) => rule.startsWith(`-A cali-tw-${db.vethName} `)).map(strip)).toEqual([
      `-A cali-tw-${db.vethName} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A cali-tw-${db.vethName} -m conntrack --ctstate INVALID -j DROP`,
      `-A cali-tw-${db.vethName} -j MARK --set-xmark 0x0/0x10000`,
      `-A cali-tw-${db.vethName} -j ${deny}`,
      `-A cali-tw-${db.vethName} -m mark --mark 0x10000/0x10000 -j RETURN`,
      `-A cali-tw-${db.vethName} -j ${allow}`,
      `-A cali-tw-${db.vethName} -m mark --mark 0x10000/0x10000 -j RETURN`,
      `-A cali-tw-${db.vethName} -j DROP`,
    ]);
    expect(rules.filter((rule) => rule.startsWith(`-A ${allow} `)).map(strip)).toEqual([
      `-A ${allow} -s ${app.ip}/32 -p tcp -m tcp --dport 5432 -j MARK --set-xmark 0x10000/0x10000`,
      `-A ${allow} -m mark --mark 0x10000/0x10000 -j RETURN`,
    ]);
    expect(rules.filter((rule) => rule.startsWith(`-A ${deny} `))).toEqual([]);
    expect(rules.filter((rule) => rule.startsWith('-A cali-FORWARD ')).map(strip)).toContain('-A cali-FORWARD -m mark --mark 0x10000/0x10000 -j ACCEPT');
  });

  it('a resync replaces the chains: deleting the policies brings the accepting endpoint chain back, nothing twice', () => {
    const state = calicoLab();
    const netfilter = createNetfilter();
    const fresh = nodeIptablesSave(state, 'minikube-m02');
    applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll });
    expect(nodeIptablesSave(state, 'minikube-m02', netfilter)).toContain(policyChainName('in', denyAll));
    applyCommand(state, { type: 'deleteNetworkPolicy', namespace: 'default', name: 'default-deny' });
    expect(nodeIptablesSave(state, 'minikube-m02', netfilter)).toBe(fresh);
  });

  it("in the node's iptables-save: Felix's jump heads FORWARD, chains follow policy changes, a live read equals a replayed lab's", () => {
    const state = initialState();
    const events: AppliedEvent[] = [];
    const run = (command: Parameters<typeof applyCommand>[1]) => events.push(...applyCommand(state, command));
    run({ type: 'createLab', name: 'felix', cluster: { cni: { plugin: 'calico' } } });
    run({ type: 'addNode' });
    run({ type: 'createPod', namespace: 'default', name: 'db', labels: { app: 'database' }, containers: [{ name: 'c', image: 'x' }] });
    const before = labIptablesSave(state, 'minikube');
    expect(filterRules(before).find((rule) => rule.startsWith('-A FORWARD '))).toMatch(/-j cali-FORWARD$/);
    expect(before).not.toContain('cali-pi-');
    run({ type: 'applyNetworkPolicy', policy: denyAll });
    const after = labIptablesSave(state, 'minikube');
    expect(after).toContain(`-j ${policyChainName('in', denyAll)}`);
    expect(labIptablesSave(replay(events), 'minikube')).toBe(after);
  });

  it('flannel nodes have no cali-* chains', () => {
    expect(nodeIptablesSave(calicoLab('flannel'), 'minikube')).not.toContain('cali-');
  });
});

import { evaluateFlow } from './evaluate';
import { indexWorld } from './policy-index';
import { namespace, netpol, pod, world } from './test-fixture';
import type { NetworkPolicy, NetworkPolicySpec, Protocol } from './types';

const web = pod('prod/web', '10.244.1.10', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]);
const db = pod('prod/db', '10.244.1.11', { app: 'db' }, [
  { name: 'pg', containerPort: 5432 },
  { name: 'metrics', containerPort: 9187, protocol: 'UDP' },
]);
const tool = pod('dev/tool', '10.244.2.10', { app: 'tool' });
const dns = pod('kube-system/coredns', '10.244.0.2', { 'k8s-app': 'kube-dns' }, [
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
  { name: 'dns-tcp', containerPort: 53 },
]);
const namespaces = [namespace('prod', { env: 'prod' }), namespace('dev', { env: 'dev' }), namespace('kube-system')];

function verdict(policies: NetworkPolicy[], source: object, destination: object, port: number, protocol: Protocol = 'TCP') {
  return evaluateFlow(world(namespaces, [web, db, tool, dns], policies), {
    source: source as never,
    destination: destination as never,
    port,
    protocol,
  });
}
const allowed = (policies: NetworkPolicy[], s: object, d: object, port: number, protocol: Protocol = 'TCP') =>
  verdict(policies, s, d, port, protocol).allowed;

const ingressOnly = (key: string, podSelector: NetworkPolicySpec['podSelector'], ingress: NetworkPolicySpec['ingress']) =>
  netpol(key, { podSelector, policyTypes: ['Ingress'], ingress });
const egressOnly = (key: string, podSelector: NetworkPolicySpec['podSelector'], egress: NetworkPolicySpec['egress']) =>
  netpol(key, { podSelector, policyTypes: ['Egress'], egress });
const denyAll = (ns: string) => netpol(`${ns}/deny-all`, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

describe('evaluateFlow', () => {
  it('allows everything when no policy selects either end', () => {
    const v = verdict([], web, db, 5432);
    expect(v.allowed).toBe(true);
    expect(v.egress).toEqual({ applicable: true, isolated: false, policies: [], allowedBy: [], allowed: true });
    expect(v.explanation).toBe(
      'Allowed: no NetworkPolicy selects prod/web for egress; no NetworkPolicy selects prod/db for ingress.',
    );
  });

  it('isolates per direction: an Ingress policy leaves the pod free to send', () => {
    const policies = [ingressOnly('prod/deny-in', {}, [])];
    expect(allowed(policies, web, db, 5432)).toBe(false);
    expect(allowed(policies, db, tool, 80)).toBe(true);
    expect(verdict(policies, db, tool, 80).egress.isolated).toBe(false);
  });

  it('isolates a pod once any policy selecting it has the type, even one allowing other traffic', () => {
    const policies = [ingressOnly('prod/only-tool', { matchLabels: { app: 'db' } }, [{ from: [{ namespaceSelector: { matchLabels: { env: 'dev' } } }] }])];
    expect(allowed(policies, web, db, 5432)).toBe(false);
    expect(allowed(policies, tool, db, 5432)).toBe(true);
  });

  it('takes the union of all policies selecting the pod, reporting each match', () => {
    const policies = [
      ingressOnly('prod/from-web', { matchLabels: { app: 'db' } }, [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }]),
      ingressOnly('prod/from-dev', { matchLabels: { app: 'db' } }, [{ from: [{ namespaceSelector: { matchLabels: { env: 'dev' } } }] }]),
      ingressOnly('prod/from-any', {}, [{ from: [{ ipBlock: { cidr: '10.244.0.0/16' } }] }]),
    ];
    const v = verdict(policies, web, db, 5432);
    expect(v.ingress.policies).toEqual(['prod/from-web', 'prod/from-dev', 'prod/from-any']);
    expect(v.ingress.allowedBy).toEqual([
      { policy: 'prod/from-web', ruleIndex: 0, peerIndex: 0 },
      { policy: 'prod/from-any', ruleIndex: 0, peerIndex: 0 },
    ]);
    expect(v.explanation).toBe(
      'Allowed: no NetworkPolicy selects prod/web for egress; ingress to prod/db is allowed by ' +
        'prod/from-web (ingress rule 0, peer 0) and prod/from-any (ingress rule 0, peer 0).',
    );
  });

  it('ANDs podSelector and namespaceSelector in one peer, ORs separate peers', () => {
    const and = [ingressOnly('prod/and', {}, [{ from: [{ podSelector: { matchLabels: { app: 'tool' } }, namespaceSelector: { matchLabels: { env: 'prod' } } }] }])];
    expect(allowed(and, tool, db, 5432)).toBe(false);
    const or = [ingressOnly('prod/or', {}, [{ from: [{ podSelector: { matchLabels: { app: 'tool' } } }, { namespaceSelector: { matchLabels: { env: 'dev' } } }] }])];
    expect(verdict(or, tool, db, 5432).ingress.allowedBy).toEqual([{ policy: 'prod/or', ruleIndex: 0, peerIndex: 1 }]);
    // podSelector alone only looks in the policy's own namespace.
    const podOnly = [ingressOnly('prod/pod-only', {}, [{ from: [{ podSelector: { matchLabels: { app: 'tool' } } }] }])];
    expect(allowed(podOnly, tool, db, 5432)).toBe(false);
  });

  it('reads empty selectors as: every pod of the namespace, every namespace', () => {
    const samens = [ingressOnly('prod/same-ns', {}, [{ from: [{ podSelector: {} }] }])];
    expect(allowed(samens, web, db, 5432)).toBe(true);
    expect(allowed(samens, tool, db, 5432)).toBe(false);
    const everywhere = [ingressOnly('prod/all-ns', {}, [{ from: [{ namespaceSelector: {} }] }])];
    expect(allowed(everywhere, tool, db, 5432)).toBe(true);
    expect(allowed(everywhere, { ip: '8.8.8.8' }, db, 5432)).toBe(false);
  });

  it('treats from: [] like an absent from, ingress: [{}] as allow-all and ingress: [] as deny-all', () => {
    const emptyFrom = [ingressOnly('prod/p', {}, [{ from: [] }])];
    expect(verdict(emptyFrom, { ip: '8.8.8.8' }, db, 5432).ingress.allowedBy).toEqual([{ policy: 'prod/p', ruleIndex: 0, peerIndex: null }]);
    expect(allowed([ingressOnly('prod/p', {}, [{}])], { ip: '1.1.1.1' }, db, 1)).toBe(true);
    expect(allowed([ingressOnly('prod/p', {}, [])], web, db, 5432)).toBe(false);
    expect(allowed([netpol('prod/p', { podSelector: {} })], web, db, 5432)).toBe(false);
  });

  it('matches ipBlock against pod addresses and external ones, except carved out', () => {
    const policies = [ingressOnly('prod/cidr', {}, [{ from: [{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.2.0/24'] } }, { ipBlock: { cidr: '203.0.113.0/24' } }] }])];
    expect(allowed(policies, web, db, 5432)).toBe(true);
    expect(allowed(policies, tool, db, 5432)).toBe(false);
    expect(allowed(policies, { ip: '203.0.113.9' }, db, 5432)).toBe(true);
    expect(allowed(policies, { ip: '198.51.100.1' }, db, 5432)).toBe(false);
    expect(allowed([ingressOnly('prod/v6', {}, [{ from: [{ ipBlock: { cidr: '::/0' } }] }])], web, db, 5432)).toBe(false);
  });

  it('matches numeric ports, ranges and protocols', () => {
    const policies = [ingressOnly('prod/ports', {}, [{ ports: [{ port: 5432, protocol: 'TCP' }, { port: 9000, endPort: 9200, protocol: 'UDP' }] }])];
    expect(allowed(policies, web, db, 5432)).toBe(true);
    expect(allowed(policies, web, db, 5433)).toBe(false);
    expect(allowed(policies, web, db, 5432, 'UDP')).toBe(false);
    expect(allowed(policies, web, db, 9187, 'UDP')).toBe(true);
    expect(allowed(policies, web, db, 9200, 'UDP')).toBe(true);
    expect(allowed(policies, web, db, 9201, 'UDP')).toBe(false);
    expect(allowed(policies, web, db, 9100, 'SCTP')).toBe(false);
  });

  it('resolves named ports on the destination pod: name, protocol and number must agree', () => {
    const ingress = [ingressOnly('prod/named', {}, [{ ports: [{ port: 'pg', protocol: 'TCP' }, { port: 'metrics', protocol: 'TCP' }] }])];
    expect(allowed(ingress, web, db, 5432)).toBe(true);
    expect(allowed(ingress, web, db, 5433)).toBe(false);
    expect(allowed(ingress, web, db, 9187, 'TCP')).toBe(false); // metrics is UDP on the pod
    expect(allowed(ingress, db, web, 5432)).toBe(false); // web has no port named pg
    const egress = [egressOnly('prod/named-out', { matchLabels: { app: 'web' } }, [{ ports: [{ port: 'pg', protocol: 'TCP' }] }])];
    expect(allowed(egress, web, db, 5432)).toBe(true);
    expect(allowed(egress, web, { ip: '203.0.113.5' }, 5432)).toBe(false);
  });

  it('never applies a policy to pods of another namespace', () => {
    const policies = [denyAll('dev')];
    expect(allowed(policies, web, db, 5432)).toBe(true);
    const v = verdict(policies, tool, db, 5432);
    expect(v.allowed).toBe(false);
    expect(v.ingress.isolated).toBe(false);
    expect(v.egress.policies).toEqual(['dev/deny-all']);
  });

  it('needs egress at the source and ingress at the destination both to allow', () => {
    const policies = [
      egressOnly('prod/web-out', { matchLabels: { app: 'web' } }, [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }]),
      ingressOnly('dev/tool-in', {}, [{ from: [{ namespaceSelector: {} }] }]),
    ];
    expect(allowed(policies, web, db, 5432)).toBe(true);
    const v = verdict(policies, web, tool, 80);
    expect(v.allowed).toBe(false);
    expect(v.ingress.allowed).toBe(true);
    expect(v.explanation).toBe(
      'Denied: egress from prod/web is isolated by prod/web-out and no rule allows TCP/80 to dev/tool; ' +
        'ingress to dev/tool is allowed by dev/tool-in (ingress rule 0, peer 0).',
    );
  });

  it("always allows a pod's traffic to itself", () => {
    const v = verdict([denyAll('prod')], db, db, 5432);
    expect(v.allowed).toBe(true);
    expect(v.ingress.allowed).toBe(false);
    expect(v.explanation).toBe('Allowed: traffic from prod/db to itself is never restricted by NetworkPolicy.');
  });

  it('blocks DNS under default-deny egress until a rule allows it', () => {
    expect(allowed([denyAll('prod')], web, dns, 53, 'UDP')).toBe(false);
    const allowDns = egressOnly('prod/allow-dns', {}, [
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }] },
    ]);
    expect(allowed([denyAll('prod'), allowDns], web, dns, 53, 'UDP')).toBe(true);
    expect(allowed([denyAll('prod'), allowDns], web, dns, 53, 'TCP')).toBe(false);
  });

  it('applies no egress policy to an external source and no ingress policy to an external destination', () => {
    const v = verdict([denyAll('prod')], { ip: '192.168.49.1' }, db, 5432);
    expect(v.egress.applicable).toBe(false);
    expect(v.allowed).toBe(false);
    expect(v.explanation).toBe(
      'Denied: 192.168.49.1 is not a pod, so no egress policy applies to it; ' +
        'ingress to prod/db is isolated by prod/deny-all and no rule allows TCP/5432 from 192.168.49.1.',
    );
    const out = verdict([ingressOnly('prod/in', {}, [])], web, { ip: '1.1.1.1' }, 443);
    expect(out.ingress.applicable).toBe(false);
    expect(out.allowed).toBe(true);
  });

  it('never selects hostNetwork pods, and sees them as their address', () => {
    const node = { ...pod('prod/node-agent', '192.168.49.2', { app: 'web' }), hostNetwork: true };
    expect(allowed([denyAll('prod')], node, tool, 80)).toBe(true);
    expect(verdict([denyAll('prod')], node, tool, 80).explanation).toBe(
      'Allowed: prod/node-agent uses the host network, so no egress policy applies to it; no NetworkPolicy selects dev/tool for ingress.',
    );
    const fromWeb = [ingressOnly('prod/from-web', { matchLabels: { app: 'db' } }, [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }])];
    expect(allowed(fromWeb, node, db, 5432)).toBe(false);
  });

  it("gives the seed lab's telnet app -> db verdicts: timeout after deny-all, connected after the allow", () => {
    const app = pod('default/app', '10.244.0.5', { app: 'app' });
    const database = pod('default/db', '10.244.0.6', { app: 'database' }, [{ containerPort: 5432 }]);
    const w = (policies: NetworkPolicy[]) => world([namespace('default')], [app, database], policies);
    const flow = { source: app, destination: database, port: 5432, protocol: 'TCP' as const };
    const deny = netpol('default/deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(evaluateFlow(w([deny]), flow).allowed).toBe(false);
    const allow = netpol('default/db-allow-app', {
      podSelector: { matchLabels: { app: 'database' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'app' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
    expect(evaluateFlow(w([deny, allow]), flow).allowed).toBe(true);
    expect(evaluateFlow(w([deny, { ...allow, spec: { ...allow.spec, ingress: [{ ...allow.spec.ingress![0], ports: [{ protocol: 'TCP', port: 5433 }] }] } }]), flow).allowed).toBe(false);
  });

  it('defaults policyTypes of policies stored without them', () => {
    const noTypes = netpol('prod/egress-only-rules', { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] });
    expect(allowed([noTypes], web, tool, 80)).toBe(false); // Egress inferred from the egress rules
    expect(allowed([noTypes], tool, web, 80)).toBe(false); // Ingress always inferred, no ingress rules
  });

  it('gives the same verdict through an index as through the raw world', () => {
    const policies = [denyAll('prod'), ingressOnly('prod/from-web', { matchLabels: { app: 'db' } }, [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }])];
    const raw = world(namespaces, [web, db, tool], policies);
    const index = indexWorld(raw);
    for (const [s, d] of [[web, db], [db, web], [tool, db], [web, tool]]) {
      const flow = { source: s, destination: d, port: 5432, protocol: 'TCP' as const };
      expect(evaluateFlow(index, flow)).toEqual(evaluateFlow(raw, flow));
    }
  });
});

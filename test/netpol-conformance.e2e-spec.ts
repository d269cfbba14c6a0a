/**
 * NetworkPolicy conformance, written from the upstream e2e suite
 * (kubernetes test/e2e/network/netpol/network_policy.go, the 9-pod model) and, for port ranges,
 * ipBlock ingress and partial deletes, from cyclonus' generated cases. Every test applies the
 * upstream policies to the standard model and compares the whole 9x9 truth table. As upstream
 * (ignoreLoopback), the expectations ignore a pod talking to itself; HopLab always allows that,
 * which is asserted separately on every table.
 */
import type { NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicySpec, Protocol } from '@hoplab/simulator/netpol';
import { ModelLab } from './netpol/model';
import { Reachability, renderTable } from './netpol/reachability';

const nsLabel = 'kubernetes.io/metadata.name';
const all = {};

function validateOrFail(lab: ModelLab, port: number, protocol: Protocol, reachability: Reachability): void {
  const { pods, matrix } = lab.matrix(port, protocol);
  expect(pods).toEqual(reachability.pods);
  const observed = (from: string, to: string) => matrix[pods.indexOf(from)][pods.indexOf(to)];
  const wrong = pods.flatMap((from) =>
    pods.filter((to) => from !== to && observed(from, to) !== reachability.get(from, to)).map((to) => `${from}->${to}`),
  );
  if (wrong.length > 0) {
    const mark = (connected: boolean) => (connected ? '.' : 'X');
    throw new Error(
      `${protocol}/${port}: ${wrong.length} wrong (${wrong.join(' ')})\nexpected:\n` +
        renderTable(pods, (f, t) => mark(reachability.get(f, t))) +
        '\nobserved:\n' +
        renderTable(pods, (f, t) => mark(observed(f, t))),
    );
  }
  for (const pod of pods) expect(observed(pod, pod)).toBe(true);
}

/** GenNetworkPolicyWithNameAndPodSelector with SetSpecIngressRules / SetSpecEgressRules. */
function spec(
  podSelector: NetworkPolicySpec['podSelector'],
  rules: { ingress?: NetworkPolicySpec['ingress']; egress?: NetworkPolicySpec['egress'] },
): NetworkPolicySpec {
  return {
    podSelector,
    policyTypes: [...(rules.ingress ? (['Ingress'] as const) : []), ...(rules.egress ? (['Egress'] as const) : [])],
    ...rules,
  };
}
const podA = { matchLabels: { pod: 'a' } };
const nsIs = (ns: string) => ({ matchLabels: { [nsLabel]: ns } });

describe('Netpol: NetworkPolicy between server and client (TCP)', () => {
  let lab: ModelLab;
  let r: () => Reachability;
  beforeEach(() => {
    lab = new ModelLab();
    r = () => new Reachability(lab.allPodStrings(), true);
  });

  it("should support a 'default-deny-ingress' policy", () => {
    lab.apply('x', 'deny-ingress', spec(all, { ingress: [] }));
    validateOrFail(lab, 80, 'TCP', r().expectPeer({}, { namespace: 'x' }, false));
  });

  it("should support a 'default-deny-all' policy", () => {
    lab.apply('x', 'deny-all', spec(all, { ingress: [], egress: [] }));
    validateOrFail(lab, 80, 'TCP', r().expectPeer({}, { namespace: 'x' }, false).expectPeer({ namespace: 'x' }, {}, false));
  });

  it('should enforce policy to allow traffic from pods within server namespace based on PodSelector', () => {
    lab.apply('x', 'x-a-allows-x-b', spec(podA, { ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false).expect('x/b', 'x/a', true));
  });

  it('should enforce policy to allow ingress traffic for a target', () => {
    lab.apply('x', 'deny-all', spec(all, { ingress: [] }));
    lab.apply('x', 'allow-all-to-a', spec(podA, { ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] }));
    validateOrFail(
      lab,
      80,
      'TCP',
      r().expectAllIngress('x/a', true).expectAllIngress('x/b', false).expectAllIngress('x/c', false),
    );
  });

  it('should enforce policy to allow ingress traffic from pods in all namespaces', () => {
    lab.apply('x', 'allow-from-another-ns', spec(podA, { ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }] }));
    validateOrFail(lab, 80, 'TCP', r());
  });

  it('should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector', () => {
    lab.apply('x', 'allow-client-a-via-ns-selector', spec(podA, { ingress: [{ from: [{ namespaceSelector: nsIs('y') }] }] }));
    validateOrFail(
      lab,
      80,
      'TCP',
      r().expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false),
    );
  });

  it('should enforce policy based on PodSelector with MatchExpressions', () => {
    const podSelector = { matchExpressions: [{ key: 'pod', operator: 'In' as const, values: ['b'] }] };
    lab.apply('x', 'x-a-allows-x-b', spec(podA, { ingress: [{ from: [{ podSelector }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false).expect('x/b', 'x/a', true));
  });

  it('should enforce policy based on NamespaceSelector with MatchExpressions', () => {
    const namespaceSelector = { matchExpressions: [{ key: nsLabel, operator: 'In' as const, values: ['y'] }] };
    lab.apply('x', 'allow-ns-y-match-selector', spec(podA, { ingress: [{ from: [{ namespaceSelector }] }] }));
    validateOrFail(
      lab,
      80,
      'TCP',
      r().expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false),
    );
  });

  it('should enforce policy based on PodSelector or NamespaceSelector', () => {
    const namespaceSelector = { matchExpressions: [{ key: nsLabel, operator: 'NotIn' as const, values: ['x'] }] };
    lab.apply(
      'x',
      'allow-ns-y-match-selector',
      spec(podA, { ingress: [{ from: [{ namespaceSelector }, { podSelector: { matchLabels: { pod: 'b' } } }] }] }),
    );
    validateOrFail(lab, 80, 'TCP', r().expect('x/a', 'x/a', false).expect('x/c', 'x/a', false));
  });

  it('should enforce policy based on PodSelector and NamespaceSelector', () => {
    const namespaceSelector = { matchExpressions: [{ key: nsLabel, operator: 'NotIn' as const, values: ['x'] }] };
    lab.apply(
      'x',
      'allow-ns-y-podselector-and-nsselector',
      spec(podA, { ingress: [{ from: [{ namespaceSelector, podSelector: { matchLabels: { pod: 'b' } } }] }] }),
    );
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false).expect('y/b', 'x/a', true).expect('z/b', 'x/a', true));
  });

  it('should enforce policy based on Multiple PodSelectors and NamespaceSelectors', () => {
    const namespaceSelector = { matchExpressions: [{ key: nsLabel, operator: 'NotIn' as const, values: ['x'] }] };
    const podSelector = { matchExpressions: [{ key: 'pod', operator: 'In' as const, values: ['b', 'c'] }] };
    lab.apply('x', 'allow-ns-y-z-pod-b-c', spec(podA, { ingress: [{ from: [{ namespaceSelector, podSelector }] }] }));
    validateOrFail(
      lab,
      80,
      'TCP',
      r().expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expect('y/a', 'x/a', false).expect('z/a', 'x/a', false),
    );
  });

  it('should enforce policy based on any PodSelectors', () => {
    const from = [{ matchLabels: { pod: 'b' } }, { matchLabels: { pod: 'c' } }].map((podSelector) => ({ podSelector }));
    lab.apply('x', 'allow-ns-x-pod-b-c', spec(podA, { ingress: [{ from }] }));
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false).expect('x/b', 'x/a', true).expect('x/c', 'x/a', true));
  });

  it('should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector', () => {
    lab.apply(
      'x',
      'allow-ns-y-pod-a-via-namespace-pod-selector',
      spec(podA, { ingress: [{ from: [{ namespaceSelector: nsIs('y'), podSelector: podA }] }] }),
    );
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false).expect('y/a', 'x/a', true));
  });

  it('should enforce policy based on Ports', () => {
    lab.apply(
      'x',
      'allow-client-a-via-ns-selector',
      spec(podA, { ingress: [{ from: [{ namespaceSelector: nsIs('y') }], ports: [{ port: 81, protocol: 'TCP' }] }] }),
    );
    validateOrFail(
      lab,
      81,
      'TCP',
      r()
        .expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false)
        .expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true)
        .expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false),
    );
  });

  it('should enforce multiple, stacked policies with overlapping podSelectors (multi-step)', () => {
    const rule = (port: number): NetworkPolicyIngressRule => ({ from: [{ namespaceSelector: nsIs('y') }], ports: [{ port, protocol: 'TCP' }] });
    lab.apply('x', 'allow-client-a-via-ns-selector', spec(podA, { ingress: [rule(81)] }));
    const allow = r()
      .expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false)
      .expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true)
      .expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false);
    validateOrFail(lab, 81, 'TCP', allow);
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false));
    lab.apply('x', 'allow-client-a-via-ns-selector-80', spec(podA, { ingress: [rule(80)] }));
    validateOrFail(lab, 80, 'TCP', allow);
  });

  it('should support allow-all policy', () => {
    lab.apply('x', 'allow-all', spec({ matchLabels: {} }, { ingress: [{}] }));
    validateOrFail(lab, 80, 'TCP', r());
    validateOrFail(lab, 81, 'TCP', r());
  });

  it('should allow ingress access on one named port', () => {
    lab.apply('x', 'allow-all', spec({ matchLabels: {} }, { ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] }));
    validateOrFail(lab, 81, 'TCP', r());
    validateOrFail(lab, 80, 'TCP', r().expectPeer({}, { namespace: 'x' }, false));
  });

  it('should allow ingress access from namespace on one named port', () => {
    lab.apply(
      'x',
      'allow-client-a-via-ns-selector-80',
      spec(podA, { ingress: [{ from: [{ namespaceSelector: nsIs('y') }], ports: [{ port: 'serve-80-tcp', protocol: 'TCP' }] }] }),
    );
    validateOrFail(
      lab,
      80,
      'TCP',
      r().expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false),
    );
    validateOrFail(lab, 81, 'TCP', r().expectAllIngress('x/a', false));
  });

  it('should allow egress access on one named port', () => {
    lab.apply('x', 'allow-egress', spec({ matchLabels: {} }, { egress: [{ ports: [{ port: 'serve-80-tcp' }] }] }));
    validateOrFail(lab, 80, 'TCP', r());
    validateOrFail(lab, 81, 'TCP', r().expectPeer({ namespace: 'x' }, {}, false));
  });

  it('should enforce updated policy (multi-step)', () => {
    lab.apply('x', 'allow-all-mutate-to-deny-all', spec({ matchLabels: {} }, { ingress: [{}] }));
    validateOrFail(lab, 81, 'TCP', r());
    lab.apply('x', 'allow-all-mutate-to-deny-all', spec({ matchLabels: {} }, { ingress: [] }));
    validateOrFail(lab, 81, 'TCP', r().expectPeer({}, { namespace: 'x' }, false));
  });

  it('should allow ingress access from updated namespace (multi-step)', () => {
    lab.apply(
      'x',
      'allow-client-a-via-ns-selector',
      spec(podA, { ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns2: 'updated' } } }] }] }),
    );
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false));
    lab.labelNamespace('y', { ns2: 'updated' });
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false).expectPeer({ namespace: 'y' }, {}, true));
  });

  it('should allow ingress access from updated pod (multi-step)', () => {
    const matchLabels = { pod: 'b', pod2: 'updated' };
    lab.apply('x', 'allow-client-a-via-pod-selector', spec(podA, { ingress: [{ from: [{ podSelector: { matchLabels } }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false));
    lab.labelPod('x/b', matchLabels);
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false).expect('x/b', 'x/a', true));
  });

  it('should deny ingress from pods on other namespaces', () => {
    lab.apply('x', 'deny-empty-policy', spec(all, { ingress: [{ from: [{ podSelector: { matchLabels: {} } }] }] }));
    validateOrFail(
      lab,
      80,
      'TCP',
      r().expectPeer({ namespace: 'y' }, { namespace: 'x' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x' }, false),
    );
  });

  it('should deny ingress access to updated pod (multi-step)', () => {
    lab.apply('x', 'deny-ingress-via-label-selector', spec({ matchLabels: { target: 'isolated' } }, { ingress: [] }));
    validateOrFail(lab, 80, 'TCP', r());
    lab.labelPod('x/a', { target: 'isolated' });
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false));
  });

  it('should deny egress from pods based on PodSelector', () => {
    lab.apply('x', 'deny-egress-pod-a', spec(podA, { egress: [] }));
    validateOrFail(lab, 80, 'TCP', r().expectAllEgress('x/a', false));
  });

  it('should deny egress from all pods in a namespace', () => {
    lab.apply('x', 'deny-egress-ns-x', spec(all, { egress: [] }));
    validateOrFail(lab, 80, 'TCP', r().expectPeer({ namespace: 'x' }, {}, false));
  });

  it('should work with Ingress, Egress specified together', () => {
    lab.apply('x', 'allow-client-a-via-pod-selector', {
      podSelector: podA,
      ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
      egress: [{ ports: [{ port: 80 }] }],
      policyTypes: ['Egress', 'Ingress'],
    });
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false).expect('x/b', 'x/a', true));
    validateOrFail(
      lab,
      81,
      'TCP',
      r().expectAllIngress('x/a', false).expectAllEgress('x/a', false).expect('x/b', 'x/a', true),
    );
  });

  it('should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)', () => {
    lab.apply('x', 'allow-to-ns-y-pod-a', spec(podA, { egress: [{ to: [{ namespaceSelector: nsIs('y'), podSelector: podA }] }] }));
    const fromXA: NetworkPolicyPeer[] = [{ namespaceSelector: nsIs('x'), podSelector: podA }];
    lab.apply('y', 'allow-from-xa-on-ya-match-selector', spec(podA, { ingress: [{ from: fromXA }] }));
    lab.apply('y', 'allow-from-xa-on-yb-match-selector', spec({ matchLabels: { pod: 'b' } }, { ingress: [{ from: fromXA }] }));
    validateOrFail(
      lab,
      80,
      'TCP',
      r()
        .expectPeer({ namespace: 'x', pod: 'a' }, {}, false)
        .expectPeer({}, { namespace: 'y', pod: 'a' }, false)
        .expectPeer({ namespace: 'x', pod: 'a' }, { namespace: 'y', pod: 'a' }, true)
        .expectPeer({}, { namespace: 'y', pod: 'b' }, false),
    );
  });

  it('should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector', () => {
    lab.apply('x', 'allow-to-ns-y-pod-a', spec(podA, { egress: [{ to: [{ namespaceSelector: nsIs('y'), podSelector: podA }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expectAllEgress('x/a', false).expect('x/a', 'y/a', true));
  });

  it('should enforce ingress policy allowing any port traffic to a server on a specific protocol', () => {
    lab.apply('x', 'allow-ingress-by-proto', spec(podA, { ingress: [{ ports: [{ protocol: 'TCP' }] }] }));
    validateOrFail(lab, 80, 'TCP', r());
    validateOrFail(lab, 80, 'UDP', r().expectPeer({}, { namespace: 'x', pod: 'a' }, false));
  });

  it('should enforce multiple ingress policies with ingress allow-all policy taking precedence (multi-step)', () => {
    lab.apply('x', 'allow-ingress-port-80', spec({ matchLabels: {} }, { ingress: [{ ports: [{ port: 80 }] }] }));
    validateOrFail(lab, 81, 'TCP', r().expectPeer({}, { namespace: 'x' }, false));
    lab.apply('x', 'allow-ingress', spec({ matchLabels: {} }, { ingress: [{}] }));
    validateOrFail(lab, 81, 'TCP', r());
  });

  it('should enforce multiple egress policies with egress allow-all policy taking precedence (multi-step)', () => {
    lab.apply('x', 'allow-egress-port-80', spec({ matchLabels: {} }, { egress: [{ ports: [{ port: 80 }] }] }));
    validateOrFail(lab, 81, 'TCP', r().expectPeer({ namespace: 'x' }, {}, false));
    lab.apply('x', 'allow-egress', spec({ matchLabels: {} }, { egress: [{}] }));
    validateOrFail(lab, 81, 'TCP', r());
  });

  it('should stop enforcing policies after they are deleted (multi-step)', () => {
    lab.apply('x', 'deny-all', spec(all, { ingress: [], egress: [] }));
    validateOrFail(lab, 80, 'TCP', r().expectPeer({ namespace: 'x' }, {}, false).expectPeer({}, { namespace: 'x' }, false));
    lab.deleteAll();
    validateOrFail(lab, 80, 'TCP', r());
  });

  it('should allow egress access to server in CIDR block', () => {
    const cidr = `${lab.pod('y/b').ip}/32`;
    lab.apply('x', 'allow-client-a-via-cidr-egress-rule', spec(podA, { egress: [{ to: [{ ipBlock: { cidr } }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expectAllEgress('x/a', false).expect('x/a', 'y/b', true));
  });

  it('should enforce except clause while egress access to server in CIDR block', () => {
    const ipBlock = { cidr: `${lab.pod('x/a').ip}/4`, except: [`${lab.pod('x/b').ip}/32`] };
    lab.apply('x', 'allow-client-a-via-cidr-egress-rule', spec(podA, { egress: [{ to: [{ ipBlock }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expect('x/a', 'x/b', false));
  });

  it('should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (multi-step)', () => {
    const ipBlock = { cidr: `${lab.pod('x/a').ip}/4`, except: [`${lab.pod('x/b').ip}/32`] };
    lab.apply('x', 'allow-client-a-via-cidr-egress-rule', spec(podA, { egress: [{ to: [{ ipBlock }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expect('x/a', 'x/b', false));
    const podBIP = `${lab.pod('x/b').ip}/32`;
    lab.apply('x', 'allow-client-a-via-cidr-egress-rule', spec(podA, { egress: [{ to: [{ ipBlock: { cidr: podBIP } }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expectAllEgress('x/a', false).expect('x/a', 'x/b', true));
  });

  it('should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector (multi-step)', () => {
    lab.apply('x', 'allow-egress-for-target', spec(podA, { egress: [{}] }));
    validateOrFail(lab, 80, 'TCP', r());
    lab.apply('x', 'deny-ingress-via-label-selector', spec(podA, { ingress: [] }));
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false));
  });

  it("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP", () => {
    lab.apply('x', 'deny-ingress', spec(all, { ingress: [] }));
    lab.apply('x', 'allow-only-sctp-ingress-on-port-81', spec(podA, { ingress: [{ ports: [{ port: 81, protocol: 'SCTP' }] }] }));
    validateOrFail(lab, 81, 'TCP', r().expectPeer({}, { namespace: 'x' }, false));
  });

  it("should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP", () => {
    lab.apply('x', 'allow-only-sctp-ingress-on-port-80', spec(podA, { ingress: [{ ports: [{ port: 80, protocol: 'SCTP' }] }] }));
    validateOrFail(lab, 81, 'TCP', r().expectAllIngress('x/a', false));
  });

  it('should not allow access by TCP when a policy specifies only UDP', () => {
    lab.apply('x', 'allow-only-udp-ingress-on-port-81', spec(podA, { ingress: [{ ports: [{ port: 81, protocol: 'UDP' }] }] }));
    validateOrFail(lab, 81, 'TCP', r().expectAllIngress('x/a', false));
  });

  it('should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label', () => {
    lab.apply(
      'x',
      'allow-client-a-via-ns-selector-for-immutable-ns-label',
      spec(podA, { ingress: [{ from: [{ namespaceSelector: nsIs('y') }] }] }),
    );
    validateOrFail(
      lab,
      80,
      'TCP',
      r().expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false),
    );
  });

  it('should enforce policy based on NamespaceSelector with MatchExpressions using default ns label', () => {
    const namespaceSelector = { matchExpressions: [{ key: nsLabel, operator: 'NotIn' as const, values: ['y'] }] };
    lab.apply('x', 'allow-ns-y-match-selector-for-immutable-ns-label', spec(podA, { egress: [{ to: [{ namespaceSelector }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expectPeer({ namespace: 'x', pod: 'a' }, { namespace: 'y' }, false));
  });
});

describe.each<Protocol>(['UDP', 'SCTP'])('Netpol: NetworkPolicy between server and client using %s', (protocol) => {
  let lab: ModelLab;
  let r: () => Reachability;
  beforeEach(() => {
    lab = new ModelLab();
    r = () => new Reachability(lab.allPodStrings(), true);
  });

  it("should support a 'default-deny-ingress' policy", () => {
    lab.apply('x', 'deny-all', spec(all, { ingress: [] }));
    validateOrFail(lab, 80, protocol, r().expectPeer({}, { namespace: 'x' }, false));
  });

  it('should enforce policy based on Ports', () => {
    lab.apply(
      'x',
      'allow-ingress-on-port-81-ns-x',
      spec(podA, { ingress: [{ from: [{ namespaceSelector: nsIs('y') }], ports: [{ port: 81, protocol }] }] }),
    );
    validateOrFail(
      lab,
      81,
      protocol,
      r().expectPeer({ namespace: 'x' }, { namespace: 'x', pod: 'a' }, false).expectPeer({ namespace: 'z' }, { namespace: 'x', pod: 'a' }, false),
    );
  });

  it('should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector', () => {
    lab.apply(
      'x',
      'allow-ns-y-pod-a-via-namespace-pod-selector',
      spec(podA, { ingress: [{ from: [{ namespaceSelector: nsIs('y'), podSelector: podA }] }] }),
    );
    validateOrFail(lab, 80, protocol, r().expectAllIngress('x/a', false).expect('y/a', 'x/a', true));
  });
});

describe('Netpol: port ranges, ipBlock ingress and partial deletes (cyclonus cases)', () => {
  let lab: ModelLab;
  let r: () => Reachability;
  beforeEach(() => {
    lab = new ModelLab();
    r = () => new Reachability(lab.allPodStrings(), true);
  });

  it('should allow ingress on a port range covering the port (endPort)', () => {
    lab.apply('x', 'allow-80-81', spec(podA, { ingress: [{ ports: [{ port: 80, endPort: 81 }] }] }));
    validateOrFail(lab, 80, 'TCP', r());
    validateOrFail(lab, 81, 'TCP', r());
    validateOrFail(lab, 80, 'UDP', r().expectAllIngress('x/a', false));
  });

  it('should deny ingress on a port outside the range (endPort)', () => {
    lab.apply('x', 'allow-70-80', spec(podA, { ingress: [{ ports: [{ port: 70, endPort: 80, protocol: 'TCP' }] }] }));
    validateOrFail(lab, 80, 'TCP', r());
    validateOrFail(lab, 81, 'TCP', r().expectAllIngress('x/a', false));
  });

  it('should allow egress on a UDP port range only over UDP (endPort)', () => {
    lab.apply('x', 'egress-udp-81-90', spec(all, { egress: [{ ports: [{ port: 81, endPort: 90, protocol: 'UDP' }] }] }));
    validateOrFail(lab, 81, 'UDP', r());
    validateOrFail(lab, 80, 'UDP', r().expectPeer({ namespace: 'x' }, {}, false));
    validateOrFail(lab, 81, 'TCP', r().expectPeer({ namespace: 'x' }, {}, false));
  });

  it('should allow ingress from an ipBlock covering the pods of one namespace', () => {
    const cidr = `${lab.pod('y/a').ip.split('.').slice(0, 3).join('.')}.0/24`;
    lab.apply('x', 'allow-from-y-cidr', spec(podA, { ingress: [{ from: [{ ipBlock: { cidr } }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expectAllIngress('x/a', false).expectPeer({ namespace: 'y' }, { namespace: 'x', pod: 'a' }, true));
  });

  it('should deny ingress from the except of an ipBlock', () => {
    // A block holding every pod of the lab whatever the plugin's pod range (10.244.0.0/16, weave's 10.32.0.0/12).
    const ipBlock = { cidr: '10.0.0.0/8', except: [`${lab.pod('z/c').ip}/32`] };
    lab.apply('x', 'allow-cluster-but-zc', spec(all, { ingress: [{ from: [{ ipBlock }] }] }));
    validateOrFail(lab, 80, 'TCP', r().expectPeer({ namespace: 'z', pod: 'c' }, { namespace: 'x' }, false));
  });

  it('should keep enforcing the remaining policy after deleting one of two (multi-step)', () => {
    lab.apply('x', 'deny-ingress', spec(all, { ingress: [] }));
    lab.apply('x', 'deny-egress', spec(all, { egress: [] }));
    validateOrFail(lab, 80, 'TCP', r().expectPeer({}, { namespace: 'x' }, false).expectPeer({ namespace: 'x' }, {}, false));
    lab.delete('x', 'deny-ingress');
    validateOrFail(lab, 80, 'TCP', r().expectPeer({ namespace: 'x' }, {}, false));
    lab.delete('x', 'deny-egress');
    validateOrFail(lab, 80, 'TCP', r());
  });

  it('should never apply a policy to pods of another namespace', () => {
    lab.apply('y', 'deny-all-in-y', spec(all, { ingress: [], egress: [] }));
    lab.apply('z', 'allow-nothing-to-z-a', spec(podA, { ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'nobody' } } }] }] }));
    validateOrFail(
      lab,
      80,
      'TCP',
      r().expectPeer({}, { namespace: 'y' }, false).expectPeer({ namespace: 'y' }, {}, false).expectAllIngress('z/a', false),
    );
  });

  it('should treat `from: []` like an absent from (all sources) and `ingress: []` as deny', () => {
    lab.apply('x', 'from-empty', spec(podA, { ingress: [{ from: [], ports: [{ port: 80 }] }] }));
    validateOrFail(lab, 80, 'TCP', r());
    validateOrFail(lab, 81, 'TCP', r().expectAllIngress('x/a', false));
  });
});

/**
 * The NetworkPolicy conformance suite (netpol-conformance.e2e-spec.ts, every test unchanged) run on
 * a weave lab: its ModelLab is replaced by the lab-level model of test/netpol/weave-model.ts, where
 * reachability is what weave-npc's WEAVE-NPC* chains and ipsets on the nodes accept or drop.
 *
 * Weave Net 2.8.1's weave-npc does not implement two parts of the API, so on a real weave cluster
 * (and here) five upstream cases do not get the connectivity upstream expects: a policy with a named
 * port is refused whole ("named ports in network policies is not supported yet", weaveworks/weave
 * #3032, still open; the policy isolates nothing), and endPort is ignored (npc/analyser.go port()
 * reads Port only: a range allows its first port). Those cases run too and must fail with wrong
 * connectivity, exactly as they would against the real plugin; every other case must pass.
 */
jest.mock('./netpol/model', () => {
  const actual = jest.requireActual('./netpol/model');
  const { weaveModelLab } = jest.requireActual('./netpol/weave-model');
  return { ...actual, ModelLab: weaveModelLab(actual.ModelLab) };
});

const weaveNpcGaps: Record<string, string> = {
  'should allow ingress access on one named port': 'named port refused',
  'should allow ingress access from namespace on one named port': 'named port refused',
  'should allow egress access on one named port': 'named port refused',
  'should allow ingress on a port range covering the port (endPort)': 'endPort ignored',
  'should deny ingress on a port outside the range (endPort)': 'endPort ignored',
};

const upstreamIt = global.it;
const seen = new Set<string>();
global.it = Object.assign((name: string, body: () => void, timeout?: number) => {
  const gap = weaveNpcGaps[name];
  if (!gap) return upstreamIt(name, body, timeout);
  seen.add(name);
  return upstreamIt(`${name} — fails on weave-npc 2.8.1 as on a real cluster (${gap})`, () => expect(body).toThrow(/\d+ wrong \(/), timeout);
}, upstreamIt) as typeof it;

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./netpol-conformance.e2e-spec');
global.it = upstreamIt;

describe('weave-npc conformance run', () => {
  it('met every known gap among the upstream cases (none renamed away)', () => {
    expect([...seen].sort()).toEqual(Object.keys(weaveNpcGaps).sort());
  });
});

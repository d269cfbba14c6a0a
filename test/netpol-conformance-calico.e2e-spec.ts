/**
 * The NetworkPolicy conformance suite (netpol-conformance.e2e-spec.ts, every test unchanged) run on
 * a calico lab: its ModelLab is replaced by the lab-level model of test/netpol/felix-model.ts, where
 * reachability is what Felix's cali-* chains on the nodes accept or drop.
 */
jest.mock('./netpol/model', () => {
  const actual = jest.requireActual('./netpol/model');
  const { felixModelLab } = jest.requireActual('./netpol/felix-model');
  return { ...actual, ModelLab: felixModelLab(actual.ModelLab) };
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
require('./netpol-conformance.e2e-spec');

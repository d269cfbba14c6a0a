/**
 * Runs the NetworkPolicy conformance suite (netpol-conformance.e2e-spec.ts, every test unchanged) with
 * its ModelLab replaced by a lab-level model of one plugin (`labModelOf`, e.g. felixModelLab). Where
 * the real plugin is known not to give the connectivity upstream expects, `knownGaps` names those
 * cases: they must fail so, every other case must pass (withKnownGaps).
 */
import { withKnownGaps } from './known-gaps';
import type { ModelLab } from './model';

export function conformanceOnLab(labModelOf: (Base: typeof ModelLab) => typeof ModelLab, knownGaps?: { plugin: string; gaps: Record<string, string> }): void {
  // Not hoisted (unlike jest.mock), so the factory may use labModelOf; it is in place before the suite loads './netpol/model'.
  jest.doMock('./model', () => {
    const actual = jest.requireActual('./model');
    return { ...actual, ModelLab: labModelOf(actual.ModelLab) };
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = () => require('../netpol-conformance.e2e-spec');
  if (knownGaps) withKnownGaps(knownGaps.plugin, knownGaps.gaps, load);
  else load();
}

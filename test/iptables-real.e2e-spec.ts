import { renderIptablesSave, runIptables } from '@hoplab/simulator/iptables';
import type { Netfilter } from '@hoplab/simulator/iptables';
import { bootNode } from '@hoplab/simulator/kube-proxy';
import { sampleNodeInput } from '@hoplab/simulator/kube-proxy/__fixtures__/sample-node';
import { useIptablesNamespace, VIEWS, withoutTimestamps } from './support/real-iptables';

/**
 * HopLab's node tables against the real iptables 1.8.9 (nf_tables): load HopLab's iptables-save into
 * a fresh network namespace with iptables-restore, then every view must print the same text.
 * Needs root, iproute2 and iptables (CI: apt-get install -y iptables iproute2); fails, never skips, without them.
 */
const NAMESPACE = `hl-iptreal-${process.pid}`;

describe.each(['1.26', '1.28+'] as const)('HopLab node iptables vs the real iptables, kube-proxy %s', (version) => {
  let netfilter: Netfilter;
  const real = useIptablesNamespace(NAMESPACE);

  it('loads HopLab iptables-save and prints it back identically in every view', () => {
    netfilter = bootNode(sampleNodeInput(version)).netfilter;
    const save = renderIptablesSave(netfilter, 'Thu Jan  1 00:00:00 1970');
    real(['iptables-restore'], save);

    expect(withoutTimestamps(real(['iptables-save']))).toBe(withoutTimestamps(save));
    for (const view of VIEWS) {
      const simulated = runIptables(netfilter, view);
      expect(simulated.exitCode).toBe(0);
      expect({ view: view.join(' '), text: simulated.stdout }).toEqual({ view: view.join(' '), text: real(['iptables', ...view]) });
    }
  });
});

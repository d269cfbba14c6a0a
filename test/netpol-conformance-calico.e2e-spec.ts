/**
 * The NetworkPolicy conformance suite (netpol-conformance.e2e-spec.ts, every test unchanged) run on
 * a calico lab: its ModelLab is replaced by the lab-level model of test/netpol/felix-model.ts, where
 * reachability is what Felix's cali-* chains on the nodes accept or drop.
 */
import { conformanceOnLab } from './netpol/conformance-on-lab';
import { felixModelLab } from './netpol/felix-model';

conformanceOnLab(felixModelLab);

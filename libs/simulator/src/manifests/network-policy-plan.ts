import { isDeepStrictEqual } from 'node:util';
import type { LabState } from '../cluster/types';
import { admitNetworkPolicy } from '../model/decide';
import { policyWarning } from '../netpol/enforcement';
import type { NetworkPolicy } from '../netpol/types';
import type { ManifestIssue, ManifestObject } from './parse-manifests';
import type { ApplyPlan } from './to-commands';

/**
 * A networking.k8s.io/v1 NetworkPolicy document: validated as the API server validates it (every
 * error, at the document's path), then created, configured or unchanged against the stored one.
 * On a plugin that does not enforce policies the outcome carries the warning HopLab adds.
 */
export function planNetworkPolicy(
  state: LabState,
  manifest: ManifestObject,
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> },
  plan: ApplyPlan,
  issues: ManifestIssue[],
): void {
  const { spec } = manifest.object;
  const input = {
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace,
      ...(Object.keys(metadata.labels).length ? { labels: metadata.labels } : {}),
      ...(Object.keys(metadata.annotations).length ? { annotations: metadata.annotations } : {}),
    },
    spec: spec ?? {},
  } as NetworkPolicy;
  const admission = admitNetworkPolicy(input);
  if (!admission.policy) {
    for (const issue of admission.issues) issues.push({ path: `documents[${manifest.index}].${issue.path}`, message: issue.message });
    return;
  }
  const existing = state.networkPolicies.get(`${metadata.namespace}/${metadata.name}`);
  const action = !existing ? 'created' : isDeepStrictEqual(existing.policy, admission.policy) ? 'unchanged' : 'configured';
  if (action !== 'unchanged') plan.commands.push({ type: 'applyNetworkPolicy', policy: admission.policy });
  const warning = policyWarning(state.cluster.cni.plugin, metadata.name);
  plan.outcomes.push({
    index: manifest.index,
    kind: 'NetworkPolicy',
    resource: 'networkpolicy.networking.k8s.io',
    namespace: metadata.namespace,
    name: metadata.name,
    action,
    ...(warning ? { warning } : {}),
  });
}

import type { LabelSelector } from '../../netpol/types';

/**
 * metav1.FormatLabelSelector: the selector's requirements sorted by key ("app=db",
 * "env in (a,b)", "env notin (a)", "env", "!env"), "<none>" when it selects everything.
 */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const requirements: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) requirements.push({ key, text: `${key}=${value}` });
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const list = `(${[...values].sort().join(',')})`;
    const text = operator === 'In' ? `${key} in ${list}` : operator === 'NotIn' ? `${key} notin ${list}` : operator === 'Exists' ? key : `!${key}`;
    requirements.push({ key, text });
  }
  if (requirements.length === 0) return '<none>';
  return requirements
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

import type { LabelSelector } from './types';

export type Labels = Readonly<Record<string, string>>;
export type LabelMatcher = (labels: Labels) => boolean;

const matchEverything: LabelMatcher = () => true;
const matchNothing: LabelMatcher = () => false;

/**
 * Compiles a selector once into a predicate (metav1.LabelSelectorAsSelector semantics): all
 * matchLabels and all matchExpressions must hold; the empty selector matches everything. An
 * unknown operator makes the selector match nothing, as the API server would have refused it.
 */
export function compileSelector(selector: LabelSelector): LabelMatcher {
  const checks: LabelMatcher[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    checks.push((labels) => labels[key] === value);
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const set = new Set(values);
    switch (operator) {
      case 'In':
        checks.push((labels) => key in labels && set.has(labels[key]));
        break;
      case 'NotIn':
        checks.push((labels) => !(key in labels) || !set.has(labels[key]));
        break;
      case 'Exists':
        checks.push((labels) => key in labels);
        break;
      case 'DoesNotExist':
        checks.push((labels) => !(key in labels));
        break;
      default:
        return matchNothing;
    }
  }
  if (checks.length === 0) return matchEverything;
  if (checks.length === 1) return checks[0];
  return (labels) => checks.every((check) => check(labels));
}

export function matchesSelector(selector: LabelSelector, labels: Labels): boolean {
  return compileSelector(selector)(labels);
}

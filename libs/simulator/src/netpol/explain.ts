import { describeEndpoint, isPod, isSelfFlow } from './endpoints';
import type { DirectionVerdict, Flow, FlowVerdict, RuleMatch } from './types';

function describeMatch(match: RuleMatch, direction: 'ingress' | 'egress'): string {
  const peer = match.peerIndex === null ? 'any peer' : `peer ${match.peerIndex}`;
  return `${match.policy} (${direction} rule ${match.ruleIndex}, ${peer})`;
}

function listOf(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function clause(verdict: DirectionVerdict, direction: 'ingress' | 'egress', flow: Flow): string {
  const [end, other, preposition] =
    direction === 'egress' ? [flow.source, flow.destination, 'to'] : [flow.destination, flow.source, 'from'];
  const endName = describeEndpoint(end);
  if (!verdict.applicable) {
    const why = isPod(end) ? 'uses the host network' : 'is not a pod';
    return `${endName} ${why}, so no ${direction} policy applies to it`;
  }
  if (!verdict.isolated) return `no NetworkPolicy selects ${endName} for ${direction}`;
  const word = direction === 'egress' ? 'egress from' : 'ingress to';
  if (verdict.allowedBy.length > 0) {
    return `${word} ${endName} is allowed by ${listOf(verdict.allowedBy.map((m) => describeMatch(m, direction)))}`;
  }
  return (
    `${word} ${endName} is isolated by ${listOf(verdict.policies)} and no rule allows ` +
    `${flow.protocol}/${flow.port} ${preposition} ${describeEndpoint(other)}`
  );
}

/** One human sentence for a verdict: which end denied or allowed it, and by which rule. */
export function explainFlow(flow: Flow, verdict: Omit<FlowVerdict, 'explanation'>): string {
  if (isSelfFlow(flow)) {
    return `Allowed: traffic from ${describeEndpoint(flow.source)} to itself is never restricted by NetworkPolicy.`;
  }
  const head = verdict.allowed ? 'Allowed' : 'Denied';
  return `${head}: ${clause(verdict.egress, 'egress', flow)}; ${clause(verdict.ingress, 'ingress', flow)}.`;
}

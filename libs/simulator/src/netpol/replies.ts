import { describeEndpoint } from './endpoints';
import type { Flow, FlowVerdict } from './types';

export interface ReplyVerdict {
  allowed: boolean;
  explanation: string;
}

/**
 * Replies are never evaluated against policies: connection tracking lets the replies of an
 * allowed connection through in both directions, and a denied connection has no replies.
 */
export function replyVerdict(flow: Flow, original: Pick<FlowVerdict, 'allowed'>): ReplyVerdict {
  const from = describeEndpoint(flow.destination);
  const to = describeEndpoint(flow.source);
  return original.allowed
    ? { allowed: true, explanation: `Allowed: reply from ${from} to ${to} belongs to an allowed connection (connection tracking).` }
    : { allowed: false, explanation: `Denied: the connection from ${to} to ${from} was never established, so there is no reply.` };
}

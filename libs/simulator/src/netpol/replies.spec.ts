import { evaluateFlow } from './evaluate';
import { replyVerdict } from './replies';
import { namespace, netpol, pod, world } from './test-fixture';

const client = pod('default/client', '10.244.0.5', { app: 'client' });
const server = pod('default/server', '10.244.0.6', { app: 'server' });
// The client may not receive anything new, yet replies to its own connections come back.
const isolateClient = netpol('default/client-no-ingress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Ingress'] });
const w = world([namespace('default')], [client, server], [isolateClient]);
const flow = { source: client, destination: server, port: 80, protocol: 'TCP' as const };

describe('replies (connection tracking)', () => {
  it('lets the reply of an allowed connection through although a new flow the other way is denied', () => {
    const original = evaluateFlow(w, flow);
    expect(original.allowed).toBe(true);
    expect(evaluateFlow(w, { ...flow, source: server, destination: client }).allowed).toBe(false);
    expect(replyVerdict(flow, original)).toEqual({
      allowed: true,
      explanation: 'Allowed: reply from default/server to default/client belongs to an allowed connection (connection tracking).',
    });
  });

  it('has no reply for a connection that was denied', () => {
    const denied = evaluateFlow(w, { ...flow, source: server, destination: client });
    expect(replyVerdict({ ...flow, source: server, destination: client }, denied)).toEqual({
      allowed: false,
      explanation: 'Denied: the connection from default/server to default/client was never established, so there is no reply.',
    });
  });
});

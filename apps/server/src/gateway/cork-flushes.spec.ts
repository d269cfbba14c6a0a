import { corkFlushes, type EngineTransport } from './cork-flushes';

/** A transport whose send and TCP socket log what they are asked to do. */
function transport(name: string) {
  const log: string[] = [];
  const tcp = { cork: () => log.push('cork'), uncork: () => log.push('uncork') };
  const subject: EngineTransport = { name, send: (packets) => log.push(`send ${packets.length}`), socket: { _socket: tcp } };
  return { subject, log };
}

describe('corkFlushes', () => {
  it('corks the TCP socket around a flush of several packets, so that they leave in one write', () => {
    const { subject, log } = transport('websocket');
    corkFlushes(subject);
    subject.send(['a', 'b', 'c']);
    expect(log).toEqual(['cork', 'send 3', 'uncork']);
  });

  it('leaves a single packet alone', () => {
    const { subject, log } = transport('websocket');
    corkFlushes(subject);
    subject.send(['a']);
    expect(log).toEqual(['send 1']);
  });

  it('uncorks even when the send throws', () => {
    const { subject, log } = transport('websocket');
    subject.send = () => {
      throw new Error('write after end');
    };
    corkFlushes(subject);
    expect(() => subject.send(['a', 'b'])).toThrow('write after end');
    expect(log).toEqual(['cork', 'uncork']);
  });

  it('does not touch polling transports', () => {
    const { subject, log } = transport('polling');
    const send = subject.send;
    corkFlushes(subject);
    expect(subject.send).toBe(send);
    subject.send(['a', 'b']);
    expect(log).toEqual(['send 2']);
  });
});

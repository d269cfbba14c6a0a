import type { Namespace } from 'socket.io';
import { LabOutbox } from './lab-outbox';
import { deliveryRoomOf, type LabsNamespace } from './labs-namespace';

/** A namespace that records every emit as [scope, room, name, payload]; `members` are the local rooms' sizes. */
function recordingNamespace(members: Record<string, number>) {
  const emitted: [string, string, string, unknown][] = [];
  const target = (scope: string) => ({ to: (room: string) => ({ emit: (name: string, payload: unknown) => emitted.push([scope, room, name, payload]) }) });
  const namespace = { ...target('everywhere'), local: target('local'), adapter: { rooms: new Map(Object.entries(members).map(([room, size]) => [room, { size }])) } };
  return { emitted, labs: { namespace: namespace as unknown as Namespace } as LabsNamespace };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const [singles, batches] = [deliveryRoomOf('l1', false), deliveryRoomOf('l1', true)];

describe('LabOutbox', () => {
  it('sends singles at once and everything of one turn to the batch room as one batch, in order', async () => {
    const { emitted, labs } = recordingNamespace({ [singles]: 2, [batches]: 3 });
    const outbox = new LabOutbox(labs);
    outbox.sendLocal('l1', 'event', { seq: 1 });
    outbox.sendEverywhere('l1', 'hop', { index: 0 });
    outbox.sendLocal('l1', 'event', { seq: 2 });
    expect(emitted).toEqual([
      ['local', singles, 'event', { seq: 1 }],
      ['everywhere', singles, 'hop', { index: 0 }],
      ['local', singles, 'event', { seq: 2 }],
    ]);
    await nextTurn();
    expect(emitted.slice(3)).toEqual([
      ['local', batches, 'batch', [['event', { seq: 1 }], ['event', { seq: 2 }]]],
      ['everywhere', batches, 'batch', [['hop', { index: 0 }]]],
    ]);
    outbox.sendLocal('l1', 'event', { seq: 3 });
    await nextTurn();
    expect(emitted.at(-1)).toEqual(['local', batches, 'batch', [['event', { seq: 3 }]]]);
  });

  it('flushes on demand (before a socket joins), so the next turn sends nothing twice', async () => {
    const { emitted, labs } = recordingNamespace({ [batches]: 1 });
    const outbox = new LabOutbox(labs);
    outbox.sendLocal('l1', 'event', { seq: 1 });
    outbox.flush('l1');
    expect(emitted).toEqual([['local', batches, 'batch', [['event', { seq: 1 }]]]]);
    await nextTurn();
    expect(emitted).toHaveLength(1);
  });

  it('skips local messages for rooms without members on this instance', async () => {
    const { emitted, labs } = recordingNamespace({});
    new LabOutbox(labs).sendLocal('l1', 'event', { seq: 1 });
    await nextTurn();
    expect(emitted).toEqual([]);
  });
});

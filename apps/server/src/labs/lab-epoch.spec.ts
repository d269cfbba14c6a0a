import { labEpochMs } from './lab-epoch';

describe('labEpochMs', () => {
  it('starts the lab clock on the second of its creation', () => {
    expect(labEpochMs({ createdAt: '2026-11-22T09:00:05.987Z' })).toBe(Date.parse('2026-11-22T09:00:05Z'));
    expect(labEpochMs({ createdAt: '2026-11-22T09:00:05.000Z' })).toBe(Date.parse('2026-11-22T09:00:05Z'));
  });
});

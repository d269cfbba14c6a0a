import { applyCommand } from '../../model/apply';
import { fromSnapshot, toSnapshot } from '../../model/state';
import { testLab } from '../test-lab';
import { readLabFile } from './lab-files';

describe('the lab file store', () => {
  it('storeFile records FileStored; the file is in the state and in snapshots', () => {
    const state = testLab();
    const [event] = applyCommand(state, { type: 'storeFile', name: 'deny-all.yaml', content: 'kind: NetworkPolicy\n' }, 5);
    expect(event).toMatchObject({ type: 'FileStored', data: { name: 'deny-all.yaml', content: 'kind: NetworkPolicy\n' } });
    applyCommand(state, { type: 'storeFile', name: 'deny-all.yaml', content: 'v2\n' }, 6);
    expect(fromSnapshot(toSnapshot(state)).files).toEqual(new Map([['deny-all.yaml', 'v2\n']]));
  });

  it('refuses empty names and oversized content', () => {
    const state = testLab();
    expect(() => applyCommand(state, { type: 'storeFile', name: '', content: '' }, 0)).toThrow('a file name is 1 to 255 characters');
    expect(() => applyCommand(state, { type: 'storeFile', name: 'big', content: 'x'.repeat(256 * 1024 + 1) }, 0)).toThrow('at most 262144 characters');
  });

  it('reads by exact name, ./name, or the last segment of a path', () => {
    const state = testLab();
    applyCommand(state, { type: 'storeFile', name: 'allow.yaml', content: 'a' }, 0);
    expect(readLabFile(state, 'allow.yaml')).toBe('a');
    expect(readLabFile(state, './allow.yaml')).toBe('a');
    expect(readLabFile(state, '/Users/aashabunov/IdeaProjects/kubernetes/network-policy/allow.yaml')).toBe('a');
    expect(readLabFile(state, 'deny.yaml')).toBeUndefined();
  });
});

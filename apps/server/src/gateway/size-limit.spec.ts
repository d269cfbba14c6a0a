import { sizeInBytes } from './size-limit';

describe('sizeInBytes', () => {
  it('reads body-parser sizes', () => {
    expect(sizeInBytes('64kb')).toBe(65_536);
    expect(sizeInBytes('1mb')).toBe(1_048_576);
    expect(sizeInBytes('1.5KB')).toBe(1536);
    expect(sizeInBytes('500')).toBe(500);
  });

  it('refuses what is not a size', () => {
    expect(() => sizeInBytes('lots')).toThrow('not a size: "lots"');
  });
});

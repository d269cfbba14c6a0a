import { Prng } from './prng';

describe('Prng', () => {
  it('given the same seed, when drawing, then it yields the same sequence', () => {
    const a = new Prng('lab:3');
    const b = new Prng('lab:3');
    expect([a.hex(8), a.mac(), a.uuid()]).toEqual([b.hex(8), b.mac(), b.uuid()]);
  });

  it('given different seeds, when drawing, then the sequences differ', () => {
    expect(new Prng('lab:3').hex(16)).not.toBe(new Prng('lab:4').hex(16));
  });

  it('draws well-formed MACs, uuids, hex and alphabet strings', () => {
    const prng = new Prng('shapes');
    for (let i = 0; i < 200; i++) {
      const mac = prng.mac();
      expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect(parseInt(mac.slice(0, 2), 16) & 3).toBe(2);
      expect(prng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(prng.hex(64)).toMatch(/^[0-9a-f]{64}$/);
      expect(prng.pick('bcd', 5)).toMatch(/^[bcd]{5}$/);
      const n = prng.below(7);
      expect(n >= 0 && n < 7 && Number.isInteger(n)).toBe(true);
    }
  });
});

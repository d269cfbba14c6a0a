import { linkLocalFromMac } from './link-local';

describe('linkLocalFromMac', () => {
  it.each([
    ['0e:f2:50:7b:1a:f3', 'fe80::cf2:50ff:fe7b:1af3/64'],
    ['02:42:c0:a8:31:03', 'fe80::42:c0ff:fea8:3103/64'],
    ['a6:c0:b3:5f:86:71', 'fe80::a4c0:b3ff:fe5f:8671/64'],
    ['ee:ee:ee:ee:ee:ee', 'fe80::ecee:eeff:feee:eeee/64'],
    ['02:00:5e:10:00:00', 'fe80::5eff:fe10:0/64'],
  ])('%s → %s', (mac, address) => {
    expect(linkLocalFromMac(mac)).toBe(address);
  });
});

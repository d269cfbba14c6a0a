import { allocateInBlock, claimCalicoBlock } from './calico-ipam';

describe('calico-ipam blocks', () => {
  it('claims a /26 of the pool seeded by the hostname: the same node name gets the same block', () => {
    const block = claimCalicoBlock('10.244.0.0/16', 'minikube', new Set());
    expect(block).toMatch(/^10\.244\.\d+\.(0|64|128|192)\/26$/);
    expect(claimCalicoBlock('10.244.0.0/16', 'minikube', new Set())).toBe(block);
    expect(claimCalicoBlock('10.244.0.0/16', 'minikube-m02', new Set())).not.toBe(block);
  });

  it('skips blocks affine to other nodes and walks on from the random start; none left → undefined', () => {
    const first = claimCalicoBlock('10.244.0.0/25', 'a', new Set())!;
    const second = claimCalicoBlock('10.244.0.0/25', 'a', new Set([first]))!;
    expect(new Set([first, second])).toEqual(new Set(['10.244.0.0/26', '10.244.0.64/26']));
    expect(claimCalicoBlock('10.244.0.0/25', 'a', new Set([first, second]))).toBeUndefined();
  });
});

describe('calico-ipam addresses in a block', () => {
  const block = '10.244.120.64/26';
  it('hands out ordinals after the last one, so a released address goes to the back', () => {
    const used = new Set(['10.244.120.64', '10.244.120.66']);
    expect(allocateInBlock(block, (ip) => used.has(ip), '10.244.120.66')).toEqual({ ok: true, ip: '10.244.120.67' });
    expect(allocateInBlock(block, (ip) => used.has(ip), '')).toEqual({ ok: true, ip: '10.244.120.65' });
    expect(allocateInBlock(block, (ip) => used.has(ip), '10.244.120.127')).toEqual({ ok: true, ip: '10.244.120.65' });
  });

  it('refuses a full block, a requested address outside the block or in use', () => {
    expect(allocateInBlock(block, () => true, '')).toMatchObject({ ok: false, reason: 'exhausted' });
    expect(allocateInBlock(block, () => false, '', '10.244.1.5')).toMatchObject({ ok: false, reason: 'outside' });
    expect(allocateInBlock(block, (ip) => ip === '10.244.120.70', '', '10.244.120.70')).toMatchObject({ ok: false, reason: 'in-use' });
    expect(allocateInBlock(block, () => false, '', '10.244.120.70')).toEqual({ ok: true, ip: '10.244.120.70' });
  });
});

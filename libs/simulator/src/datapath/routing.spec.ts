import fc from 'fast-check';
import { nodeNetNamespace } from '../netns/derive';
import { formatIp } from '../net/ipv4';
import { labWith, twoVmsRouter } from './lab-fixtures';
import { longestPrefixMatch, nodeRoute } from './routing';

describe('nodeRoute', () => {
  const labs = {
    'flannel vxlan': labWith({}, 4),
    'flannel host-gw': labWith({ cni: { plugin: 'flannel', backend: 'host-gw' } }, 3),
    'two VMs and a router': twoVmsRouter(),
  };

  it.each(Object.entries(labs))('chooses what longest-prefix matching over the derived table chooses (%s)', (_, state) => {
    const nodes = [...state.nodes.values()];
    const interesting = fc.oneof(
      fc.integer({ min: 0, max: 0xffffffff }).map(formatIp),
      fc.constantFrom(...nodes.flatMap((node) => [node.ip, node.podCIDR.replace(/\.0\/\d+$/, '.7'), node.podCIDR.replace(/\/\d+$/, '')])),
    );
    fc.assert(
      fc.property(fc.constantFrom(...nodes), interesting, (node, ip) => {
        expect(nodeRoute(state, node, ip)).toEqual(longestPrefixMatch(nodeNetNamespace(state, node.name).routes, ip));
      }),
      { numRuns: 300 },
    );
  });
});

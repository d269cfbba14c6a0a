import { chainTree } from './iptables-tree';

const save = [
  '-P PREROUTING ACCEPT',
  '-N KUBE-SERVICES',
  '-N KUBE-SVC-ERIFXISQEP7F7OF4',
  '-N KUBE-SEP-A',
  '-N KUBE-SEP-B',
  '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-ERIFXISQEP7F7OF4',
  '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  '-A KUBE-SVC-ERIFXISQEP7F7OF4 -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-A',
  '-A KUBE-SVC-ERIFXISQEP7F7OF4 -j KUBE-SEP-B',
  '-A KUBE-SEP-A -s 10.244.0.2/32 -j KUBE-MARK-MASQ',
  '-A KUBE-SEP-A -p udp -m udp -j DNAT --to-destination 10.244.0.2:53',
  '-A KUBE-SEP-B -p udp -m udp -j DNAT --to-destination 10.244.0.3:53',
].join('\n');

describe('chainTree', () => {
  it('follows KUBE-SERVICES to the service chain and its endpoints, keeping the rule that jumped', () => {
    const tree = chainTree(save);
    expect(tree.chain).toBe('KUBE-SERVICES');
    expect(tree.children.map((child) => child.chain)).toEqual(['KUBE-SVC-ERIFXISQEP7F7OF4', 'KUBE-NODEPORTS']);
    const service = tree.children[0];
    expect(service.rule).toContain('--dport 53');
    expect(service.children.map((child) => child.chain)).toEqual(['KUBE-SEP-A', 'KUBE-SEP-B']);
    expect(service.children[0].children.map((child) => child.chain)).toEqual(['KUBE-MARK-MASQ']);
  });

  it('stops at a loop instead of recursing forever', () => {
    const tree = chainTree('-A KUBE-SERVICES -j KUBE-LOOP\n-A KUBE-LOOP -j KUBE-SERVICES');
    expect(tree.children[0].children[0].chain).toBe('KUBE-SERVICES');
    expect(tree.children[0].children[0].children).toEqual([]);
  });
});

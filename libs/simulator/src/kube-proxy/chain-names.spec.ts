import { endpointChainName, servicePortHash, servicePortName } from './chain-names';
import { computeProbability } from './probability';
import { sortEndpoints } from './endpoints';
import { formatKernelProbability, probabilityToKernel } from '../iptables';

describe('kube-proxy chain names (facts §1.2 test vectors)', () => {
  it.each([
    ['ns1/svc1:p80', 'tcp', 'XPGD46QRK7WJZT7O'],
    ['ns2/svc2:p80', 'tcp', 'GNZBNJ2PO5MGZ6GT'],
    ['ns3/svc3:p80', 'tcp', 'X27LE4BHSL4DOUIK'],
    ['ns4/svc4:p80', 'tcp', '4SW47YFZTEDKD3PK'],
    ['ns5/svc5:p80', 'tcp', 'NUKIZ6OKUXPJNT4C'],
    ['ns2/svc2:p8080', 'tcp', '2VJB64SDSIJUP5T6'],
    ['ns4/svc4:p8082', 'tcp', 'EBDQOQU5SJFXRIL3'],
    ['default/kubernetes:https', 'TCP', 'NPX46M4PTMTKRN6Y'],
    ['kube-system/kube-dns:dns', 'UDP', 'TCOU7JCQXEZGVUNU'],
    ['kube-system/kube-dns:dns-tcp', 'tcp', 'ERIFXISQEP7F7OF4'],
    ['kube-system/kube-dns:metrics', 'tcp', 'JD5MR3NA4I4DYORP'],
  ])('%s %s → %s', (spn, protocol, hash) => {
    expect(servicePortHash(spn, protocol)).toBe(hash);
  });

  it('hashes the endpoint string into the SEP chain name', () => {
    expect(endpointChainName('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
  });

  it('names an unnamed port without a colon', () => {
    expect(servicePortName('default', 'web', '')).toBe('default/web');
    expect(servicePortName('default', 'web', 'http')).toBe('default/web:http');
  });
});

describe('probabilities (facts §2.3)', () => {
  it.each([
    [1, '1.0000000000'], [2, '0.5000000000'], [3, '0.3333333333'], [10, '0.1000000000'], [100, '0.0100000000'],
    [1000, '0.0010000000'], [10000, '0.0001000000'], [100000, '0.0000100000'], [100001, '0.0000099999'],
    [2048, '0.0004882812'],
  ])('kube-proxy writes 1/%i as %s', (n, text) => {
    expect(computeProbability(n)).toBe(text);
  });

  it.each([
    [2, '0.50000000000'], [3, '0.33333333349'], [4, '0.25000000000'], [5, '0.20000000019'], [6, '0.16666666651'],
    [7, '0.14285714272'], [8, '0.12500000000'], [9, '0.11111111101'], [10, '0.10000000009'], [12, '0.08333333349'],
    [20, '0.04999999981'], [100, '0.00999999978'],
  ])('the kernel keeps 1/%i so that iptables prints %s', (n, shown) => {
    expect(formatKernelProbability(probabilityToKernel(Number(computeProbability(n))))).toBe(shown);
  });
});

describe('endpoint order (facts §2.4)', () => {
  const ep = (ip: string, port: number, terminating = false) => ({ ip, port, nodeName: 'n', ready: !terminating, serving: true, terminating });

  it('sorts by the ip:port string, not numerically', () => {
    const sorted = sortEndpoints([ep('10.244.2.7', 8080), ep('10.244.1.5', 8080), ep('10.244.1.10', 8080)]);
    expect(sorted.map((e) => `${e.ip}:${e.port}`)).toEqual(['10.244.1.10:8080', '10.244.1.5:8080', '10.244.2.7:8080']);
  });

  it('keeps one copy of a duplicate, preferring the non-terminating one', () => {
    const sorted = sortEndpoints([ep('10.0.0.1', 80, true), ep('10.0.0.1', 80)]);
    expect(sorted).toEqual([ep('10.0.0.1', 80)]);
  });
});

import { controllerPortOrder } from './slice-port-order';

const dns = { name: 'dns', protocol: 'UDP', port: 53 };
const dnsTcp = { name: 'dns-tcp', protocol: 'TCP', port: 53 };
const metrics = { name: 'metrics', protocol: 'TCP', port: 9153 };

describe('controllerPortOrder (NewPortMapKey\'s in-place sort by DeepHashObjectToString)', () => {
  it('lists kube-dns\'s ports as kind and kubeadm clusters of 1.21-1.34 print them: 9153,53,53 (metrics, dns, dns-tcp)', () => {
    expect(controllerPortOrder([dns, dnsTcp, metrics])).toEqual([metrics, dns, dnsTcp]);
  });

  it('depends on the ports only, not on the order the Service lists them in', () => {
    expect(controllerPortOrder([metrics, dnsTcp, dns])).toEqual([metrics, dns, dnsTcp]);
    expect(controllerPortOrder([dnsTcp, dns, metrics])).toEqual([metrics, dns, dnsTcp]);
  });

  it('keeps a single port, and an unnamed one, as they are; returns a new list', () => {
    const ports = [{ name: '', protocol: 'TCP', port: 8080 }];
    expect(controllerPortOrder(ports)).toEqual(ports);
    expect(controllerPortOrder(ports)).not.toBe(ports);
    expect(controllerPortOrder([])).toEqual([]);
  });
});

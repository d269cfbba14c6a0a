import { z } from 'zod';
import { EventRegistry, EventValidationError } from './registry';
import { labEvents } from './lab-events';

describe('EventRegistry', () => {
  const registry = new EventRegistry();
  registry.define({ type: 'PodNamed', version: 2, schema: z.object({ namespace: z.string(), name: z.string() }).strict() });
  // Version 1 stored "ns/name" in one field; version 2 splits it.
  registry.addUpcaster('PodNamed', 1, (data) => {
    const [namespace, name] = String((data as { ref: string }).ref).split('/');
    return { namespace, name };
  });

  it('validates data against the current schema', () => {
    expect(registry.validate('PodNamed', { namespace: 'x', name: 'a' })).toEqual({ namespace: 'x', name: 'a' });
    expect(() => registry.validate('PodNamed', { namespace: 'x' })).toThrow(EventValidationError);
    expect(() => registry.validate('PodNamed', { namespace: 'x', name: 'a', extra: 1 })).toThrow(/extra|Unrecognized/);
  });

  it('rejects unknown types', () => {
    expect(() => registry.validate('Nope', {})).toThrow('unknown event type Nope');
  });

  it('upcasts an old schema version to the current one', () => {
    expect(registry.upcast('PodNamed', 1, { ref: 'x/a' })).toEqual({ version: 2, data: { namespace: 'x', name: 'a' } });
    expect(registry.upcast('PodNamed', 2, { namespace: 'y', name: 'b' })).toEqual({ version: 2, data: { namespace: 'y', name: 'b' } });
  });

  it('rejects schema versions it does not know', () => {
    expect(() => registry.upcast('PodNamed', 3, {})).toThrow('unknown schema version 3');
    expect(() => registry.upcast('PodNamed', 0, {})).toThrow('unknown schema version 0');
  });

  it('refuses to define a type twice', () => {
    expect(() => registry.define({ type: 'PodNamed', version: 1, schema: z.object({}) })).toThrow('defined twice');
  });
});

describe('LabCreated', () => {
  it('defaults the cluster to minikube start --cni flannel', () => {
    const data = labEvents.validate('LabCreated', { name: 'l', cluster: {} }) as { cluster: unknown };
    expect(data.cluster).toEqual({
      cni: { plugin: 'flannel', backend: 'vxlan', encryption: null },
      podCIDR: '10.244.0.0/16',
      serviceCIDR: '10.96.0.0/12',
      nodeCIDRMaskSize: 24,
      nodeNetwork: '192.168.49.0/24',
      mtu: 1500,
      kubeProxy: { mode: 'iptables', version: '1.26', syncPeriod: '30s', minSyncPeriod: '1s' },
      clock: { speed: 1 },
    });
  });

  it('rejects a backend that does not belong to the plugin', () => {
    expect(() => labEvents.validate('LabCreated', { name: 'l', cluster: { cni: { plugin: 'flannel', backend: 'ipip' } } })).toThrow(/cluster\.cni\.backend/);
    const calico = labEvents.validate('LabCreated', { name: 'l', cluster: { cni: { plugin: 'calico' } } }) as { cluster: { cni: unknown } };
    expect(calico.cluster.cni).toEqual({ plugin: 'calico', backend: 'ipip', encryption: null });
  });
});

import fc from 'fast-check';
import type { PodState } from '../cluster/types';
import { findListener, podListener, podListeners } from './listeners';

const images = ['nginx', 'nginx:1.27', 'library/httpd', 'postgres:16', 'redis', 'mysql', 'registry.k8s.io/coredns/coredns:v1.11.1', 'nicolaka/netshoot', 'busybox'];
const container = fc.record({
  name: fc.constantFrom('web', 'db', 'side'),
  image: fc.constantFrom(...images),
  ports: fc.array(fc.record({ containerPort: fc.constantFrom(53, 80, 5432, 8080, 9000), protocol: fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const), name: fc.option(fc.constantFrom('http', 'dns'), { nil: undefined }) }), { maxLength: 3 }),
});

describe('podListener', () => {
  it('answers what findListener over podListeners answers, for any containers, port and protocol', () => {
    fc.assert(
      fc.property(fc.array(container, { minLength: 1, maxLength: 3 }), fc.constantFrom(undefined, 53, 80, 5432, 6379, 8080, 9000, 9153), fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const, 'ICMP' as const), (containers, port, protocol) => {
        const pod = { containers } as unknown as PodState;
        expect(podListener(pod, port, protocol)).toEqual(findListener(podListeners(pod), port, protocol));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the image or the declared container port that listens', () => {
    const pod = { containers: [{ name: 'api', image: 'example/api', ports: [{ containerPort: 9000, protocol: 'TCP', name: 'grpc' }] }, { name: 'web', image: 'nginx', ports: [] }] } as unknown as PodState;
    expect(podListener(pod, 9000, 'TCP')).toEqual({ port: 9000, protocol: 'TCP', by: 'container api port grpc' });
    expect(podListener(pod, 80, 'TCP')).toEqual({ port: 80, protocol: 'TCP', by: 'nginx' });
    expect(podListener(pod, 80, 'UDP')).toBeUndefined();
  });
});

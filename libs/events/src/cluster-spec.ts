import { z } from 'zod';

const duration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, 'must be a Go duration such as "30s" or "1m30s"');

const backends = {
  bridge: [null],
  flannel: ['vxlan', 'host-gw'],
  calico: ['ipip', 'vxlan', 'bgp'],
  weave: ['fastdp', 'sleeve'],
  cilium: ['vxlan', 'native'],
} as const;
export type CniPlugin = keyof typeof backends;
export const cniPlugins = Object.keys(backends) as CniPlugin[];
/** Every plugin that has backends, once with each of them, in the order above (what a sweep over the datapaths covers). */
export const pluginBackends: { plugin: CniPlugin; backend: string }[] = cniPlugins.flatMap((plugin) =>
  backends[plugin].flatMap((backend) => (backend === null ? [] : [{ plugin, backend }])),
);
export const defaultBackend: Record<CniPlugin, string | null> = {
  bridge: null,
  flannel: 'vxlan',
  calico: 'ipip',
  weave: 'fastdp',
  cilium: 'vxlan',
};

const cni = z
  .object({
    plugin: z.enum(cniPlugins as [CniPlugin, ...CniPlugin[]]).default('flannel'),
    backend: z.string().nullable().optional(),
    encryption: z.enum(['wireguard', 'ipsec']).nullable().default(null),
    /** The bridge plugin's bridge name (kubenet calls it cbr0); default cni0. */
    bridge: z.string().regex(/^[a-z][a-z0-9_-]{0,14}$/, 'must be a Linux interface name such as cbr0').optional(),
    /** cilium's kubeProxyReplacement=true: no kube-proxy, Services resolved by cilium's eBPF load balancer (minikube's manifest: false). */
    kubeProxyReplacement: z.boolean().optional(),
  })
  .strict()
  .transform((value, ctx) => {
    if (value.bridge !== undefined && value.plugin !== 'bridge') {
      ctx.addIssue({ code: 'custom', path: ['bridge'], message: `a bridge name is a setting of the bridge plugin, not of ${value.plugin}` });
      return z.NEVER;
    }
    if (value.kubeProxyReplacement && value.plugin !== 'cilium') {
      ctx.addIssue({ code: 'custom', path: ['kubeProxyReplacement'], message: `kube-proxy replacement is a setting of cilium, not of ${value.plugin}` });
      return z.NEVER;
    }
    const backend = value.backend === undefined ? defaultBackend[value.plugin] : value.backend;
    if (!(backends[value.plugin] as readonly (string | null)[]).includes(backend)) {
      ctx.addIssue({
        code: 'custom',
        path: ['backend'],
        message: `backend ${JSON.stringify(backend)} is not one of ${JSON.stringify(backends[value.plugin])} for plugin ${value.plugin}`,
      });
      return z.NEVER;
    }
    return {
      plugin: value.plugin,
      backend,
      encryption: value.encryption,
      ...(value.bridge !== undefined ? { bridge: value.bridge } : {}),
      ...(value.kubeProxyReplacement ? { kubeProxyReplacement: true as const } : {}),
    };
  });

const ipv4Cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.244.0.0/16');

/**
 * How each node's root netns is set up besides the CNI plugin; absent: as minikube's nodes are
 * (docker0 on 172.17.0.0/16, a static default route via the segment's gateway).
 */
const nodeSetup = z
  .object({
    docker0: ipv4Cidr.default('172.17.0.0/16'),
    /** A cloud VM's DHCP lease: the default route and a host route to the gateway with metric 100; the cloud's router carries the pod networks, so nodes hold no route to other nodes' pods. */
    dhcp: z.boolean().default(false),
  })
  .strict();

/** ClusterSpec of API.md; every field is optional and defaults to `minikube start --cni flannel`. */
export const clusterSpecSchema = z
  .object({
    cni: cni.default({ plugin: 'flannel', backend: 'vxlan', encryption: null }),
    podCIDR: ipv4Cidr.default('10.244.0.0/16'),
    serviceCIDR: ipv4Cidr.default('10.96.0.0/12'),
    nodeCIDRMaskSize: z.number().int().min(8).max(30).default(24),
    nodeNetwork: ipv4Cidr.default('192.168.49.0/24'),
    mtu: z.number().int().min(576).max(9000).default(1500),
    kubeProxy: z
      .object({
        mode: z.literal('iptables').default('iptables'),
        version: z.enum(['1.26', '1.28+']).default('1.26'),
        syncPeriod: duration.default('30s'),
        minSyncPeriod: duration.default('1s'),
      })
      .strict()
      .default({ mode: 'iptables', version: '1.26', syncPeriod: '30s', minSyncPeriod: '1s' }),
    clock: z.object({ speed: z.number().min(0).max(1000).default(1) }).strict().default({ speed: 1 }),
    node: nodeSetup.optional(),
  })
  .strict();

export type ClusterSpec = z.output<typeof clusterSpecSchema>;
export type ClusterSpecInput = z.input<typeof clusterSpecSchema>;

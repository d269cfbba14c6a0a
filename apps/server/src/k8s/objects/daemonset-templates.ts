/**
 * What minikube's DaemonSets run besides their containers' names and images (kubeadm's kube-proxy,
 * kube-flannel.yml's kube-flannel-ds): the pod template fields `kubectl describe ds` and `-o yaml` show.
 * Other DaemonSets keep the plain template.
 */
type Json = Record<string, unknown>;

const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
const hostPath = (name: string, path: string, type?: string) => ({ name, hostPath: { path, ...(type !== undefined ? { type } : {}) } });

interface TemplateDetails {
  /** Fields of the one (main) container, by container name. */
  containers: Record<string, Json>;
  initContainers?: (image: string) => Json[];
  spec: Json;
}

const details: Record<string, TemplateDetails> = {
  'kube-system/kube-proxy': {
    containers: {
      'kube-proxy': {
        command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
        env: [fieldEnv('NODE_NAME', 'spec.nodeName')],
        securityContext: { privileged: true },
        volumeMounts: [
          { name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' },
          { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
          { name: 'lib-modules', readOnly: true, mountPath: '/lib/modules' },
        ],
      },
    },
    spec: {
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      serviceAccountName: 'kube-proxy',
      serviceAccount: 'kube-proxy',
      priorityClassName: 'system-node-critical',
      tolerations: [{ operator: 'Exists' }],
      volumes: [{ name: 'kube-proxy', configMap: { name: 'kube-proxy', defaultMode: 420 } }, hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'), hostPath('lib-modules', '/lib/modules', '')],
    },
  },
  'kube-flannel/kube-flannel-ds': {
    containers: {
      'kube-flannel': {
        command: ['/opt/bin/flanneld'],
        args: ['--ip-masq', '--kube-subnet-mgr'],
        env: [fieldEnv('POD_NAME', 'metadata.name'), fieldEnv('POD_NAMESPACE', 'metadata.namespace'), { name: 'EVENT_QUEUE_DEPTH', value: '5000' }],
        resources: { requests: { cpu: '100m', memory: '50Mi' } },
        securityContext: { privileged: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
        volumeMounts: [
          { name: 'run', mountPath: '/run/flannel' },
          { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
          { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
        ],
      },
    },
    initContainers: (image) => [
      { name: 'install-cni-plugin', image: 'ghcr.io/flannel-io/flannel-cni-plugin:v1.8.0-flannel1', command: ['cp'], args: ['-f', '/flannel', '/opt/cni/bin/flannel'], volumeMounts: [{ name: 'cni-plugin', mountPath: '/opt/cni/bin' }] },
      {
        name: 'install-cni',
        image,
        command: ['cp'],
        args: ['-f', '/etc/kube-flannel/cni-conf.json', '/etc/cni/net.d/10-flannel.conflist'],
        volumeMounts: [
          { name: 'cni', mountPath: '/etc/cni/net.d' },
          { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
        ],
      },
    ],
    spec: {
      serviceAccountName: 'flannel',
      serviceAccount: 'flannel',
      priorityClassName: 'system-node-critical',
      tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
      volumes: [hostPath('run', '/run/flannel'), hostPath('cni-plugin', '/opt/cni/bin'), hostPath('cni', '/etc/cni/net.d'), { name: 'flannel-cfg', configMap: { name: 'kube-flannel-cfg', defaultMode: 420 } }, hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate')],
    },
  },
};

const initDefaults = { resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' };

/** The DaemonSet's pod spec with its known details merged in (containers by name). */
export function daemonSetPodSpec(namespace: string, name: string, spec: { containers: Json[] } & Json): Json {
  const known = details[`${namespace}/${name}`];
  if (!known) return spec;
  const containers = spec.containers.map((c) => ({ ...c, ...(known.containers[String(c.name)] ?? {}) }));
  const initContainers = known.initContainers?.(String(spec.containers[0]?.image ?? '')).map((c) => ({ ...c, ...initDefaults }));
  return { ...(initContainers ? { initContainers } : {}), ...spec, containers, ...known.spec };
}

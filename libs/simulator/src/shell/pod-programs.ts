import type { LabState, PodState } from '../cluster/types';
import { podNetNamespace } from '../netns/derive';
import { imageFamily } from './context';
import { clusterDnsIp, networkClients, nodeResolvConf } from './net/clients';
import { arp, ip, iproute2Layout, route } from './net/ip';
import { ciliumDbg } from './cilium-dbg';
import { failure, printed, type Invocation, type Printed, type Program } from './types';

/** What kubelet writes into a pod with dnsPolicy ClusterFirst (hostNetwork pods get the node's). */
function podFile(state: LabState, pod: PodState, path: string): string | undefined {
  switch (path) {
    case '/etc/resolv.conf':
      if (pod.hostNetwork) return nodeResolvConf(state, pod.node);
      return `nameserver ${clusterDnsIp(state)}\nsearch ${pod.namespace}.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`;
    case '/etc/hostname':
      return `${pod.hostNetwork ? pod.node : pod.name}\n`;
    case '/etc/hosts':
      return (
        '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n' +
        (pod.ip ? `${pod.ip}\t${pod.name}\n` : '')
      );
    default:
      return undefined;
  }
}

/** The programs of a pod's shell: iproute2, net-tools, cat of kubelet's files, hostname. */
export function podPrograms(namespace: string, name: string, image: string): Record<string, Program> {
  const pod = (call: Invocation) => call.state.pods.get(`${namespace}/${name}`)!;
  const ns = (call: Invocation) => podNetNamespace(call.state, namespace, name);
  return {
    ...networkClients({ pod: `${namespace}/${name}` }, namespace, imageFamily(image) === 'busybox'),
    ip: (call) => ip(call.argv, ns(call), iproute2Layout(call.state.cluster)),
    route: (call) => route(call.argv, ns(call)),
    arp: (call) => arp(call.argv, ns(call)),
    hostname: (call) => printed(`${pod(call).hostNetwork ? pod(call).node : name}\n`),
    cat: (call): Printed => {
      const paths = call.argv.slice(1);
      if (paths.length === 0) return printed(call.stdin);
      let stdout = '';
      let stderr = '';
      for (const path of paths) {
        const text = podFile(call.state, pod(call), path);
        if (text === undefined) stderr += `cat: ${path}: No such file or directory\n`;
        else stdout += text;
      }
      return stderr ? { ...printed(stdout, stderr, 1) } : printed(stdout);
    },
    sleep: () => printed(''),
    env: (call) => printed(pod(call).containers[0]?.env?.map((e) => `${e.name}=${e.value}\n`).join('') ?? ''),
    whoami: () => printed('root\n'),
    false: () => failure('', 1),
    ...(image.startsWith('quay.io/cilium/cilium:') ? { 'cilium-dbg': ciliumDbg(namespace, name) } : {}),
  };
}

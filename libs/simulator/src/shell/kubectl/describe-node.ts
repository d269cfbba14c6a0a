import type { LabState, NodeState } from '../../cluster/types';
import { age, alignTabs, byStorageKey, kubectlDescribeSettings, nodeLabels, nodeSoftware } from '../../views';
import { rfc1123z } from '../time-format';

/** The capacity the lab's Kubernetes API reports for every node (apps/server k8s objects). */
const capacity = { cpu: '4', 'ephemeral-storage': '61202244Ki', memory: '8025424Ki', pods: '110' };

const conditions = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/**
 * kubectl's NodeDescriber for a lab node. The pods carry no resource requests in the lab, so the
 * request and limit columns are 0, as the lab's Kubernetes API reports them.
 */
export function describeNode(state: LabState, node: NodeState, epochMs: number, now: number): string {
  const software = nodeSoftware(state.cluster);
  const labels = nodeLabels(node);
  const keys = Object.keys(labels).sort();
  const since = rfc1123z(epochMs + node.createdAt);
  const heartbeat = rfc1123z(epochMs + now);
  let text = `Name:\t${node.name}\nRoles:\t${node.role === 'control-plane' ? 'control-plane' : '<none>'}\n`;
  text += keys.map((k, i) => `${i === 0 ? 'Labels:' : ''}\t${k}=${labels[k]}\n`).join('');
  text += 'Annotations:\tnode.alpha.kubernetes.io/ttl: 0\n\tvolumes.kubernetes.io/controller-managed-attach-detach: true\n';
  text += `CreationTimestamp:\t${since}\nTaints:\t<none>\nUnschedulable:\tfalse\n`;
  text += `Lease:\n  HolderIdentity:\t${node.name}\n  AcquireTime:\t<unset>\n  RenewTime:\t${heartbeat}\n`;
  text += 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n  ----\t------\t-----------------\t------------------\t------\t-------\n';
  text += conditions.map(([type, status, reason, message]) => `  ${type} \t${status} \t${heartbeat} \t${since} \t${reason} \t${message}\n`).join('');
  text += `Addresses:\n  InternalIP:\t${node.ip}\n  Hostname:\t${node.name}\n`;
  const resources = Object.entries(capacity).map(([k, v]) => `  ${k}:\t${v}\n`).join('');
  text += `Capacity:\n${resources}Allocatable:\n${resources}`;
  text += 'System Info:\n  Machine ID:\t\n  System UUID:\t\n  Boot ID:\t\n';
  text += `  Kernel Version:\t${software.kernelVersion}\n  OS Image:\t${software.osImage}\n  Operating System:\tlinux\n  Architecture:\tamd64\n`;
  text += `  Container Runtime Version:\t${software.containerRuntimeVersion}\n  Kubelet Version:\t${software.kubeletVersion}\n`;
  text += `PodCIDR:\t${node.podCIDR}\nPodCIDRs:\t${node.podCIDR}\n`;
  const pods = [...node.pods].map((key) => state.pods.get(key)!).filter((pod) => pod && pod.phase !== 'Succeeded' && pod.phase !== 'Failed').sort(byStorageKey);
  text += `Non-terminated Pods:\t(${pods.length} in total)\n`;
  text += '  Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n  ---------\t----\t------------\t----------\t---------------\t-------------\t---\n';
  text += pods.map((pod) => `  ${pod.namespace}\t${pod.name}\t0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\t${age(now, pod.createdAt)}\n`).join('');
  text += 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n  Resource\tRequests\tLimits\n  --------\t--------\t------\n';
  text += ['cpu', 'memory', 'ephemeral-storage'].map((r) => `  ${r}\t0 (0%)\t0 (0%)\n`).join('');
  text += 'Events:\t<none>\n';
  return alignTabs(text, kubectlDescribeSettings);
}

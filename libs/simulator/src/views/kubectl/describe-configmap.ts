import type { LabState } from '../../cluster/types';
import { failed, printed, type ViewOutput } from '../output';
import { alignTabs, kubectlDescribeSettings } from '../text/tabwriter';
import { kubeFlannelConfigMap, type ConfigMapView, type FlannelConfigOptions } from './flannel-configmap';

/** kubectl describe's ConfigMapDescriber (no events recorded for config maps). */
export function describeConfigMap(cm: ConfigMapView): string {
  let text = `Name:\t${cm.name}\nNamespace:\t${cm.namespace}\n`;
  text += describeMap('Labels', cm.labels) + describeMap('Annotations', cm.annotations);
  text += '\nData\n====\n';
  for (const key of Object.keys(cm.data).sort()) text += `${key}:\n----\n${cm.data[key]}\n\n`;
  text += '\nBinaryData\n====\n\nEvents:\t<none>\n';
  return alignTabs(text, kubectlDescribeSettings);
}

function describeMap(title: string, map: Record<string, string>): string {
  const keys = Object.keys(map).sort();
  if (keys.length === 0) return `${title}:\t<none>\n`;
  return keys.map((key, i) => `${i === 0 ? `${title}:` : ''}\t${key}=${map[key]}\n`).join('');
}

/** `kubectl describe configmaps <name> -n <namespace>`; the lab knows kube-flannel-cfg on flannel clusters. */
export function kubectlDescribeConfigMap(
  state: LabState,
  name: string,
  namespace = 'default',
  options: FlannelConfigOptions = {},
): ViewOutput {
  if (state.cluster.cni.plugin === 'flannel' && name === 'kube-flannel-cfg' && namespace === 'kube-flannel') {
    return printed(describeConfigMap(kubeFlannelConfigMap(state.cluster, options)));
  }
  return failed(`Error from server (NotFound): configmaps "${name}" not found\n`, 1);
}

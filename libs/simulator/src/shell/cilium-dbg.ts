import { renderCiliumServiceList } from '../cni/cilium-services';
import { failure, printed, type Program } from './types';

/** cilium-dbg in the cilium-agent container: `service list` (the agent's eBPF load-balancer frontends and backends). */
export function ciliumDbg(namespace: string, name: string): Program {
  return (call) => {
    const args = call.argv.slice(1);
    if (args[0] === 'service' && args[1] === 'list') {
      const pod = call.state.pods.get(`${namespace}/${name}`)!;
      return printed(renderCiliumServiceList(call.state, call.state.nodes.get(pod.node)!));
    }
    const unknown = args.find((arg) => !arg.startsWith('-')) ?? '';
    return failure(`Error: unknown command "${unknown}" for "cilium-dbg"\nRun 'cilium-dbg --help' for usage.\n`);
  };
}

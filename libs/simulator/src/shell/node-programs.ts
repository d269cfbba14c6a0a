import type { LabState } from '../cluster/types';
import { explainIptablesRecovery } from '../node-iptables/explain';
import { nodeIptablesSave, runNodeIptables } from '../node-iptables/run-iptables';
import { nodeNetNamespace } from '../netns/derive';
import { catFlannelSubnetEnv, kubeFlannelConfigMap } from '../views';
import type { TableName } from '../iptables';
import { VERSION_PREFIX } from '../iptables/errors';
import { networkClients, nodeResolvConf } from './net/clients';
import { arp, bridge, ip, iproute2Layout, route } from './net/ip';
import { failure, fromView, printed, type Invocation, type Printed, type Program, type ProgramResult } from './types';

/**
 * The programs of a node's shell (the kicbase container): iproute2, net-tools, iptables, conntrack,
 * cat. `minikube ssh` logs in as docker: netfilter needs `sudo` there, as on the real node.
 */
export function nodePrograms(node: string, user: 'root' | 'docker'): Record<string, Program> {
  const ns = (call: Invocation) => nodeNetNamespace(call.state, node);
  const asRoot = (program: Program): Program => (user === 'root' ? program : denied);
  return {
    ...networkClients({ node }, 'default'),
    ip: (call) => ip(call.argv, ns(call), iproute2Layout(call.state.cluster)),
    route: (call) => route(call.argv, ns(call)),
    arp: (call) => arp(call.argv, ns(call)),
    bridge: (call) => bridge(call.argv, ns(call)),
    iptables: asRoot((call) => iptables(call, node)),
    'iptables-save': asRoot((call) => iptablesSave(call, node)),
    conntrack: user === 'root' ? (call) => conntrack(call) : () => failure('conntrack v1.4.7 (conntrack-tools): Operation failed: Operation not permitted\n', 1),
    whoami: () => printed(`${user}\n`),
    cat: (call) => catNodeFiles(call, node),
    ls: (call) => lsNode(call),
    hostname: () => printed(`${node}\n`),
  };
}

/** iptables and iptables-save run by a user that is not root (nf_tables asks the kernel first). */
function denied(call: Invocation): Printed {
  return failure(`${call.argv[0]} ${VERSION_PREFIX}: Could not fetch rule set generation id: Permission denied (you must be root)\n`, 4);
}

/** `iptables ARGS`: reads print at once; a change is a command (IptablesChanged) printed after it was applied. */
function iptables(call: Invocation, node: string): ProgramResult {
  const args = call.argv.slice(1);
  const run = runNodeIptables(call.state, node, args, call.env.now, call.env.traced);
  if (run.events.length === 0) return printed(run.stdout, run.stderr, run.exitCode);
  return {
    kind: 'mutation',
    commands: [{ type: 'iptables', node, args }],
    render: (after, env) => ({ ...printed(run.stdout, run.stderr, run.exitCode), notes: [explainIptablesRecovery(after, node, env.now)] }),
  };
}

function iptablesSave(call: Invocation, node: string): Printed {
  const args = call.argv.slice(1);
  let table: TableName | undefined;
  let counters = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-t' || args[i] === '--table') table = args[++i] as TableName;
    else if (args[i].startsWith('--table=')) table = args[i].slice(8) as TableName;
    else if (args[i] === '-c' || args[i] === '--counters') counters = true;
    else return failure(`iptables-save v1.8.9 (legacy): Unknown arguments found on commandline\n`, 1);
  }
  if (table !== undefined && !['filter', 'nat', 'mangle', 'raw', 'security'].includes(table)) {
    return failure(`iptables-save v1.8.9 (legacy): Cannot initialize: Table does not exist (do you need to insmod?)\n`, 1);
  }
  return printed(nodeIptablesSave(call.state, node, { table, time: call.env.now, epochMs: call.env.epochMs, traced: call.env.traced, counters }));
}

/** `conntrack -L`: the lab keeps no connection table, so it is empty (as right after a flush). */
function conntrack(call: Invocation): Printed {
  const option = call.argv[1];
  if (option === '-L' || option === '--dump') return printed('', 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n');
  if (option === '-F' || option === '--flush') return printed('', 'conntrack v1.4.7 (conntrack-tools): connection tracking table has been emptied.\n');
  return failure(`conntrack v1.4.7 (conntrack-tools): Unknown option \`${option ?? ''}'\nTry \`conntrack -h' for more information.\n`, 2);
}

/** The files flannel and the CNI write on a node, and a few the lab's lessons look at. */
function nodeFile(state: LabState, node: string, path: string): Printed | undefined {
  switch (path) {
    case '/run/flannel/subnet.env':
      return fromView(catFlannelSubnetEnv(state, node));
    case '/etc/cni/net.d/10-flannel.conflist':
      return state.cluster.cni.plugin === 'flannel' ? printed(`${kubeFlannelConfigMap(state.cluster).data['cni-conf.json']}`) : undefined;
    case '/etc/hostname':
      return printed(`${node}\n`);
    case '/etc/resolv.conf':
      return printed(nodeResolvConf(state, node));
    case '/proc/sys/net/ipv4/ip_forward':
      return printed('1\n');
    default:
      return undefined;
  }
}

function catNodeFiles(call: Invocation, node: string): Printed {
  const paths = call.argv.slice(1);
  if (paths.length === 0) return printed(call.stdin);
  let stdout = '';
  let stderr = '';
  for (const path of paths) {
    const file = nodeFile(call.state, node, path);
    if (file && file.exitCode === 0) stdout += file.stdout;
    else stderr += `cat: ${path}: No such file or directory\n`;
  }
  return printed(stdout, stderr, stderr ? 1 : 0);
}

function lsNode(call: Invocation): Printed {
  const path = call.argv.slice(1).find((a) => !a.startsWith('-'));
  if (path === '/etc/cni/net.d' || path === '/etc/cni/net.d/') {
    return printed(call.state.cluster.cni.plugin === 'flannel' ? '10-flannel.conflist\n' : '');
  }
  if (path === '/run/flannel' || path === '/run/flannel/') return printed(call.state.cluster.cni.plugin === 'flannel' ? 'subnet.env\n' : '');
  return failure(`ls: cannot access '${path ?? '.'}': No such file or directory\n`, 2);
}

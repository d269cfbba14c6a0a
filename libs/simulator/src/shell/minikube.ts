import type { LabState } from '../cluster/types';
import { kubernetesVersion } from '../cluster/system-pods';
import type { Command } from '../model/commands';
import { minikubeNodeList, nodeSoftware } from '../views';
import type { ShellFrame } from './context';
import { failure, fromView, printed, type Invocation, type Printed, type ProgramResult } from './types';

/** Runs a command line on a node (read-only); supplied by the interpreter to avoid a module cycle. */
export type NodeRunner = (call: Invocation, frame: Extract<ShellFrame, { kind: 'node' }>, line: string | string[]) => Printed;

const cniTitles: Record<string, string> = { flannel: 'Flannel', calico: 'Calico', cilium: 'Cilium', bridge: 'bridge CNI', weave: 'Weave' };

/** minikube's release for the lab's Kubernetes (v1.30.1 shipped 1.26.3, the seed's). */
function minikubeVersion(state: LabState): string {
  return kubernetesVersion(state.cluster) === 'v1.26.3' ? 'v1.30.1' : 'v1.35.0';
}

function option(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}

/** `minikube start|node list|ssh|ip` against the lab's cluster (profile "minikube"). */
export function minikube(call: Invocation, onNode: NodeRunner): ProgramResult {
  const [sub, ...args] = call.argv.slice(1);
  switch (sub) {
    case 'start':
      return start(call.state, args);
    case 'node':
      if (args[0] === 'list') return fromView(minikubeNodeList(call.state));
      if (args[0] === 'add') return nodeAdd(call.state);
      if (args[0] === 'delete') return nodeDelete(call.state, args[1]);
      return failure(`Error: unknown command "${args[0] ?? ''}" for "minikube node"\nRun 'minikube node --help' for usage.\n`);
    case 'delete':
      return deleteCluster(call.state);
    case 'ssh':
      return ssh(call, args, onNode);
    case 'ip': {
      const node = nodeName(call.state, option(args, 'node') ?? args[args.indexOf('-n') + 1]);
      return node ? printed(`${call.state.nodes.get(node)!.ip}\n`) : failure('❌  Exiting due to GUEST_NODE_RETRIEVE: retrieving node: Could not find node\n', 85);
    }
    case undefined:
      return printed('minikube provisions and manages local Kubernetes clusters optimized for development workflows.\n');
    default:
      return failure(`Error: unknown command "${sub}" for "minikube"\nRun 'minikube --help' for usage.\n`);
  }
}

/** `-n m02`, `-n minikube-m02` or nothing (the control plane). */
function nodeName(state: LabState, given: string | undefined): string | undefined {
  const nodes = [...state.nodes.keys()];
  if (given === undefined || args0(given)) return nodes[0];
  return nodes.find((n) => n === given || n === `minikube-${given}`);
}

const args0 = (value: string) => value.startsWith('-');

function ssh(call: Invocation, args: string[], onNode: NodeRunner): Printed {
  let given: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-n' || args[i] === '--node') given = args[++i];
    else if (args[i].startsWith('--node=')) given = args[i].slice(7);
    else if (args[i] !== '--') rest.push(args[i]);
  }
  if (call.state.nodes.size === 0) return failure('🤷  The control-plane node minikube host does not exist\n👉  To start a cluster, run: "minikube start"\n', 85);
  const node = nodeName(call.state, given);
  if (!node) return failure(`❌  Exiting due to GUEST_NODE_RETRIEVE: retrieving node: Could not find node ${given}\n`, 85);
  const frame = { kind: 'node' as const, node, user: 'docker' as const };
  if (rest.length > 0) return onNode(call, frame, rest.join(' '));
  return { ...printed(''), stack: [...call.stack, frame] };
}

/**
 * `minikube start [--nodes N] [--cni X]`: on an empty lab it creates the nodes (the lab's CNI is
 * fixed when the lab is created); on a running cluster it prints what minikube prints for an
 * existing profile and changes nothing.
 */
function start(state: LabState, args: string[]): ProgramResult {
  const nodesOption = option(args, 'nodes') ?? (args.includes('-n') ? args[args.indexOf('-n') + 1] : undefined);
  const count = nodesOption === undefined ? 1 : Number(nodesOption);
  if (!Number.isInteger(count) || count < 1) return failure(`❌  Exiting due to MK_USAGE: --nodes must be a positive number, not ${nodesOption}\n`, 14);
  const cni = option(args, 'cni');
  const plugin = state.cluster.cni.plugin;
  if (cni !== undefined && cni !== plugin && state.nodes.size === 0) {
    return failure(`❌  Exiting due to MK_USAGE: this lab's cluster runs the ${plugin} CNI; create a lab with cni ${cni} to start it with --cni ${cni}\n`, 14);
  }
  if (state.nodes.size > 0) return printed(startOutput(state, [...state.nodes.keys()], true));
  const commands: Command[] = Array.from({ length: count }, () => ({ type: 'addNode' as const }));
  return { kind: 'mutation', commands, render: (after) => printed(startOutput(after, [...after.nodes.keys()], false)) };
}

/** minikube's short node name: "m02" for minikube-m02, the profile name for the first node. */
const shortName = (node: string) => node.replace(/^minikube-/, '');

/** `minikube node add`: a worker joins, named and addressed as minikube names them. */
function nodeAdd(state: LabState): ProgramResult {
  if (state.nodes.size === 0) return failure('🤷  The control-plane node minikube host does not exist\n👉  To start a cluster, run: "minikube start"\n', 85);
  const before = new Set(state.nodes.keys());
  return {
    kind: 'mutation',
    commands: [{ type: 'addNode' }],
    render: (after) => {
      const added = [...after.nodes.keys()].find((n) => !before.has(n))!;
      const docker = nodeSoftware(after.cluster).containerRuntimeVersion.replace('docker://', '');
      return printed(
        `😄  Adding node ${shortName(added)} to cluster minikube\n👍  Starting worker node ${added} in cluster minikube\n🚜  Pulling base image ...\n` +
          `🔥  Creating docker container (CPUs=2, Memory=2200MB) ...\n🐳  Preparing Kubernetes ${kubernetesVersion(after.cluster)} on Docker ${docker} ...\n` +
          `🔎  Verifying Kubernetes components...\n🏄  Successfully added ${shortName(added)} to minikube!\n`,
      );
    },
  };
}

/** `minikube node delete m03`: the node and its pods go. */
function nodeDelete(state: LabState, given: string | undefined): ProgramResult {
  if (!given) return failure('❌  Exiting due to MK_USAGE: Usage: minikube node delete [name]\n', 14);
  const node = nodeName(state, given);
  if (!node) return failure(`❌  Exiting due to GUEST_NODE_RETRIEVE: retrieving node: Could not find node ${given}\n`, 85);
  const name = shortName(node);
  return {
    kind: 'mutation',
    commands: [{ type: 'removeNode', name: node }],
    render: () => printed(`🔥  Deleting node ${name} from cluster minikube\n✋  Stopping node "${node}"  ...\n🛑  Powering off "${node}" via SSH ...\n🔥  Deleting "${node}" in docker ...\n💀  Node ${name} was successfully deleted.\n`),
  };
}

/** `minikube delete`: every node goes (workers first); `minikube start` builds the cluster again. */
function deleteCluster(state: LabState): ProgramResult {
  const nodes = [...state.nodes.keys()];
  if (nodes.length === 0) return printed('🤷  Profile "minikube" not found. Run "minikube profile list" to view all profiles.\n👉  To start a cluster, run: "minikube start"\n');
  const said =
    `🔥  Deleting "minikube" in docker ...\n${nodes.map((n) => `🔥  Deleting container "${n}" ...\n`).join('')}` +
    `${nodes.map((n) => `🔥  Removing /home/student/.minikube/machines/${n} ...\n`).join('')}💀  Removed all traces of the "minikube" cluster.\n`;
  return { kind: 'mutation', commands: [...nodes].reverse().map((name) => ({ type: 'removeNode' as const, name })), render: () => printed(said) };
}

function startOutput(state: LabState, nodes: string[], existing: boolean): string {
  const version = kubernetesVersion(state.cluster);
  const docker = nodeSoftware(state.cluster).containerRuntimeVersion.replace('docker://', '');
  const ips = nodes.map((n) => state.nodes.get(n)!.ip);
  let out = `😄  minikube ${minikubeVersion(state)} on Ubuntu 22.04\n`;
  out += existing ? '✨  Using the docker driver based on existing profile\n' : '✨  Automatically selected the docker driver. Other choices: ssh\n📌  Using Docker driver with root privileges\n';
  nodes.forEach((node, i) => {
    if (i > 0) out += '\n';
    out += `👍  Starting ${i === 0 ? 'control plane' : 'worker'} node ${node} in cluster minikube\n🚜  Pulling base image ...\n`;
    out += existing ? `🏃  Updating the running docker "${node}" container ...\n` : '🔥  Creating docker container (CPUs=2, Memory=2200MB) ...\n';
    if (i > 0) out += `🌐  Found network options:\n    ▪ NO_PROXY=${ips.slice(0, i).join(',')}\n`;
    out += `🐳  Preparing Kubernetes ${version} on Docker ${docker} ...\n`;
    if (i === 0) {
      if (!existing) out += '    ▪ Generating certificates and keys ...\n    ▪ Booting up control plane ...\n    ▪ Configuring RBAC rules ...\n';
      out += `🔗  Configuring ${cniTitles[state.cluster.cni.plugin] ?? state.cluster.cni.plugin} (Container Networking Interface) ...\n`;
      out += '🔎  Verifying Kubernetes components...\n    ▪ Using image gcr.io/k8s-minikube/storage-provisioner:v5\n🌟  Enabled addons: storage-provisioner, default-storageclass\n';
    } else {
      out += `    ▪ env NO_PROXY=${ips.slice(0, i).join(',')}\n🔎  Verifying Kubernetes components...\n`;
    }
  });
  return `${out}🏄  Done! kubectl is now configured to use "minikube" cluster and "default" namespace by default\n`;
}

/** `docker exec [-it] NODE CMD...`: the nodes are the kicbase containers; `bash` with -it enters one. */
export function docker(call: Invocation, onNode: NodeRunner): Printed {
  const [sub, ...args] = call.argv.slice(1);
  if (sub !== 'exec') {
    if (sub === undefined) return printed('Usage:  docker [OPTIONS] COMMAND\n');
    return failure(`docker: '${sub}' is not a docker command.\nSee 'docker --help'\n`);
  }
  let interactive = false;
  let tty = false;
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i++) {
    if (/^-[it]+$/.test(args[i])) {
      interactive ||= args[i].includes('i');
      tty ||= args[i].includes('t');
    } else if (args[i] === '--interactive') interactive = true;
    else if (args[i] === '--tty') tty = true;
    else return failure(`unknown shorthand flag: '${args[i][1]}' in ${args[i]}\nSee 'docker exec --help'.\n`, 125);
  }
  const [container, program, ...rest] = args.slice(i);
  if (!container || !program) return failure('"docker exec" requires at least 2 arguments.\nSee \'docker exec --help\'.\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nExecute a command in a running container\n', 1);
  if (!call.state.nodes.has(container)) return failure(`Error response from daemon: No such container: ${container}\n`, 1);
  const frame = { kind: 'node' as const, node: container, user: 'root' as const };
  const shell = ['bash', 'sh', '/bin/bash', '/bin/sh'].includes(program);
  if (shell && rest[0] === '-c' && rest[1] !== undefined) return onNode(call, frame, rest[1]);
  if (shell && rest.length === 0) return interactive && tty ? { ...printed(''), stack: [...call.stack, frame] } : printed('');
  return onNode(call, frame, [program, ...rest]);
}

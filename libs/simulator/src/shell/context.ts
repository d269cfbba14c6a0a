import type { LabState } from '../cluster/types';

/**
 * Where a command runs. The workstation is the machine that ran `minikube start` (kubectl,
 * minikube, docker); a node is entered with `docker exec -it <node> bash` (root, in /) or
 * `minikube ssh [-n m02]` (user docker, in ~); a pod with `kubectl exec -it <pod> -- bash|sh`.
 */
export type ShellFrame = (
  | { kind: 'workstation' }
  | { kind: 'node'; node: string; user: 'root' | 'docker' }
  | { kind: 'pod'; namespace: string; name: string; shell: string; /** `kubectl run --rm -it`: exit deletes the pod. */ removeOnExit?: boolean }
) & {
  /** The shell variables set in this shell (`DB=$(kubectl get …)`); each shell has its own. */
  vars?: Record<string, string>;
};

/** The contexts entered so far, the current one last; `exit` pops one. Part of the caller's session. */
export type ShellStack = ShellFrame[];

export const WORKSTATION: ShellFrame = { kind: 'workstation' };

/** API.md's context names: "workstation", "node/<name>", "pod/<namespace>/<name>". */
export function contextName(stack: ShellStack): string {
  const top = currentFrame(stack);
  if (top.kind === 'node') return `node/${top.node}`;
  if (top.kind === 'pod') return `pod/${top.namespace}/${top.name}`;
  return 'workstation';
}

/** The stack a context name stands for (entered from the workstation); null when it names nothing valid. */
export function stackFromContextName(name: string | undefined): ShellStack | null {
  if (name === undefined || name === 'workstation') return [WORKSTATION];
  const node = /^node\/([^/]+)$/.exec(name);
  if (node) return [WORKSTATION, { kind: 'node', node: node[1], user: 'root' }];
  const pod = /^pod\/([^/]+)\/([^/]+)$/.exec(name);
  if (pod) return [WORKSTATION, { kind: 'pod', namespace: pod[1], name: pod[2], shell: 'bash' }];
  return null;
}

export function currentFrame(stack: ShellStack): ShellFrame {
  return stack[stack.length - 1] ?? WORKSTATION;
}

/** Why the context cannot be used on this lab (the node or pod is gone), or null. */
export function contextProblem(state: LabState, stack: ShellStack): string | null {
  for (const frame of stack) {
    if (frame.kind === 'node' && !state.nodes.has(frame.node)) return `node ${frame.node} does not exist in this lab`;
    if (frame.kind === 'pod' && !state.pods.has(`${frame.namespace}/${frame.name}`)) return `pod ${frame.namespace}/${frame.name} does not exist in this lab`;
  }
  return null;
}

/**
 * The prompt the real shell shows: `$ ` on the workstation, `root@minikube-m02:/# ` after
 * `docker exec`, `docker@minikube-m02:~$ ` after `minikube ssh`; in pods it depends on the image:
 * Alpine's bash (netshoot) `app:~# `, busybox sh `/ # `, Debian-based images `root@db:/# `.
 */
export function prompt(state: LabState, stack: ShellStack): string {
  const top = currentFrame(stack);
  if (top.kind === 'node') return top.user === 'root' ? `root@${top.node}:/# ` : `docker@${top.node}:~$ `;
  if (top.kind === 'pod') {
    const pod = state.pods.get(`${top.namespace}/${top.name}`);
    const family = imageFamily(pod?.containers[0]?.image ?? '');
    // A hostNetwork pod shares the node's UTS namespace: its hostname is the node's.
    const host = pod?.hostNetwork ? pod.node : top.name;
    if (family === 'busybox' || (family === 'alpine' && top.shell === 'sh')) return '/ # ';
    if (family === 'alpine') return `${host}:~# `;
    return `root@${host}:/# `;
  }
  return '$ ';
}

export type ImageFamily = 'alpine' | 'busybox' | 'debian';

/** Which base an image's shell and tools come from (prompts, telnet and ping flavours). */
export function imageFamily(image: string): ImageFamily {
  const repo = image.split('@')[0].split(':')[0].split('/').pop() ?? '';
  if (repo === 'busybox') return 'busybox';
  if (repo === 'netshoot' || repo === 'alpine' || image.includes(':alpine') || image.includes('-alpine')) return 'alpine';
  return 'debian';
}

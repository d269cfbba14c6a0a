import type { CniCall } from '@hoplab/events';
import type { LabState, NodeState, PodState } from '../cluster/types';
import { allocate, type Allocation } from '../ipam/host-local';
import type { Prng } from '../net/prng';
import { hostIfTaken, mayHoldContainer } from './node-attachments';
import { bridgeName, CNI_PATH, networkConfig, podRouteDestinations } from './network-config';

/**
 * The CNI operations (SPEC.md ADD, DEL, CHECK, VERSION) as the node's plugin chain answers them:
 * flannel delegating to bridge + host-local, or bridge + host-local directly. Each returns the call
 * as the runtime saw it: environment, stdin config, exit code and the result or error JSON.
 */
export interface CniRequest {
  containerId: string;
  netns: string;
  ifName: string;
  /** CNI_ARGS, e.g. "IgnoreUnknown=1;K8S_POD_NAMESPACE=x;K8S_POD_NAME=a;IP=10.10.10.7". */
  args: string;
}

export interface Attachment {
  containerId: string;
  address: string;
  gateway: string;
  mac: string;
  vethName: string;
  vethMac: string;
  vethIndex: number;
  netnsId: number;
  bridge?: { name: string; index: number; mac: string };
}

/** A successful ADD's call is not built here: nothing reads it before evolve derives it (cniAddCall). */
export type AddOutcome =
  | { ok: true; attachment: Attachment }
  | { ok: false; call: CniCall; reason: Exclude<Allocation, { ok: true }>['reason'] | 'duplicate' };

export type AddFailure = Extract<AddOutcome, { ok: false }>['reason'];

export const SUPPORTED_CNI_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];
/** libcni/skel's ErrInternal: plain Go errors of a plugin reach the runtime with this code. */
export const CNI_ERR_INTERNAL = 999;
export const CNI_ERR_UNKNOWN_CONTAINER = 3;

export function cniAdd(state: LabState, node: NodeState, request: CniRequest, prng: Prng): AddOutcome {
  const fail = (reason: AddFailure, msg: string): AddOutcome => {
    const { plugin, stdin } = networkConfig(state, node);
    const stdout = { cniVersion: String(stdin.cniVersion), code: CNI_ERR_INTERNAL, msg };
    return { ok: false, reason, call: { plugin, command: 'ADD', ...requestFields(request), stdin, exitCode: 1, stdout } };
  };

  if (findAttachment(state, node, request.containerId, request.ifName)) {
    // bridge's setupVeth: the container interface exists already (pkg/ip/link_linux.go).
    return fail('duplicate', `container veth name provided (${request.ifName}) already exists`);
  }
  const allocation = allocate(node, requestedIp(request.args));
  if (!allocation.ok) return fail(allocation.reason, allocation.msg);

  let nextIndex = node.nextIfIndex;
  const bridge = node.bridge ? undefined : { name: bridgeName(state), index: nextIndex++, mac: prng.mac() };
  const attachment: Attachment = {
    containerId: request.containerId,
    address: `${allocation.ip}/${allocation.prefixLength}`,
    gateway: allocation.gateway,
    mac: prng.mac(),
    vethName: uniqueVethName(state, node, prng),
    vethMac: prng.mac(),
    vethIndex: nextIndex,
    netnsId: node.nextNetnsId,
    ...(bridge ? { bridge } : {}),
  };
  return { ok: true, attachment };
}

/**
 * The successful ADD as the runtime saw it, from what the plugins decided: evolve derives it again
 * from a stored attachment, so that events need not carry it.
 */
export function cniAddCall(
  state: Pick<LabState, 'cluster'>,
  node: Pick<NodeState, 'podCIDR' | 'name'>,
  request: CniRequest,
  attachment: Pick<Attachment, 'address' | 'gateway' | 'mac' | 'vethName' | 'vethMac'>,
  bridge: { name: string; mac: string },
): CniCall {
  const { plugin, stdin } = networkConfig(state, node);
  const cniVersion = String(stdin.cniVersion);
  const stdout = {
    cniVersion,
    interfaces: [
      { name: bridge.name, mac: bridge.mac },
      { name: attachment.vethName, mac: attachment.vethMac },
      { name: request.ifName, mac: attachment.mac, sandbox: request.netns },
    ],
    ips: [{ ...(cniVersion < '1' ? { version: '4' } : {}), interface: 2, address: attachment.address, gateway: attachment.gateway }],
    routes: podRouteDestinations(state).map((dst) => (dst === '0.0.0.0/0' ? { dst, gw: attachment.gateway } : { dst })),
    dns: {},
  };
  return { plugin, command: 'ADD', ...requestFields(request), stdin, exitCode: 0, stdout };
}

/** DEL is idempotent (SPEC.md): an unknown container or a missing interface is a success. Prints nothing. */
export function cniDel(state: Pick<LabState, 'cluster'>, node: Pick<NodeState, 'podCIDR' | 'name'>, request: CniRequest): CniCall {
  const { plugin, stdin } = networkConfig(state, node);
  return { plugin, command: 'DEL', ...requestFields(request), stdin, exitCode: 0, stdout: null };
}

/** CHECK verifies an existing attachment; it must not be called for a container that has none. */
export function cniCheck(state: LabState, node: NodeState, request: CniRequest): CniCall {
  const { plugin, stdin } = networkConfig(state, node);
  const found = findAttachment(state, node, request.containerId, request.ifName);
  const base = { plugin, command: 'CHECK' as const, ...requestFields(request), stdin };
  if (found) return { ...base, exitCode: 0, stdout: null };
  return {
    ...base,
    exitCode: 1,
    stdout: {
      cniVersion: String(stdin.cniVersion),
      code: CNI_ERR_UNKNOWN_CONTAINER,
      msg: 'Container unknown or does not exist',
      details: `no attachment for (${request.containerId}, ${request.ifName}) on ${node.name}`,
    },
  };
}

/** VERSION: the Go library always answers with its own version (1.1.0), whatever the input said. */
export function cniVersion(state: LabState, node: NodeState): CniCall {
  const { plugin, stdin } = networkConfig(state, node);
  return {
    plugin,
    command: 'VERSION',
    containerId: '',
    netns: '',
    ifName: '',
    args: '',
    path: CNI_PATH,
    stdin: { cniVersion: stdin.cniVersion },
    exitCode: 0,
    stdout: { cniVersion: '1.1.0', supportedVersions: SUPPORTED_CNI_VERSIONS },
  };
}

export function podCniRequest(pod: Pick<PodState, 'namespace' | 'name' | 'uid'>, containerId: string, netns: string, requested?: string): CniRequest {
  const args = [
    'IgnoreUnknown=1',
    `K8S_POD_NAMESPACE=${pod.namespace}`,
    `K8S_POD_NAME=${pod.name}`,
    `K8S_POD_INFRA_CONTAINER_ID=${containerId}`,
    `K8S_POD_UID=${pod.uid}`,
    ...(requested ? [`IP=${requested}`] : []),
  ].join(';');
  return { containerId, netns, ifName: 'eth0', args };
}

function requestFields(request: CniRequest) {
  return { containerId: request.containerId, netns: request.netns, ifName: request.ifName, args: request.args, path: CNI_PATH };
}

function requestedIp(args: string): string | undefined {
  const entry = args.split(';').find((pair) => pair.startsWith('IP='));
  return entry?.slice(3);
}

function findAttachment(state: LabState, node: NodeState, containerId: string, ifName: string): PodState | undefined {
  if (ifName !== 'eth0' || !mayHoldContainer(state, node, containerId)) return undefined;
  for (const key of node.pods) {
    const pod = state.pods.get(key);
    if (pod?.containerId === containerId && pod.ip !== '' && !pod.hostNetwork) return pod;
  }
  return undefined;
}

function uniqueVethName(state: LabState, node: NodeState, prng: Prng): string {
  for (;;) {
    const name = `veth${prng.hex(8)}`;
    if (!hostIfTaken(state, node, name)) return name;
  }
}

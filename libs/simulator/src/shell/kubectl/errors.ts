import { failure, type Printed } from '../types';

/** kubectl's own ways of failing, worded as kubectl 1.32 words them. */
export const kubectlErrors = {
  /** cobra's message, with its "Did you mean this?" list when some command is close. */
  unknownCommand: (name: string, suggestions: string[] = []): Printed =>
    failure(`error: unknown command "${name}" for "kubectl"\n${suggestions.length ? `\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}` : ''}`),
  flag: (message: string, command: string): Printed => failure(`error: ${message}\nSee 'kubectl ${command} --help' for usage.\n`),
  notFound: (resource: string, name: string): Printed => failure(`Error from server (NotFound): ${resource} "${name}" not found\n`),
  alreadyExists: (resource: string, name: string): Printed => failure(`Error from server (AlreadyExists): ${resource} "${name}" already exists\n`),
  namespaceNotFound: (namespace: string): Printed => failure(`Error from server (NotFound): namespaces "${namespace}" not found\n`),
  usage: (message: string, command: string): Printed => failure(`error: ${message}\nSee 'kubectl ${command} -h' for help and examples\n`),
  plain: (message: string): Printed => failure(`error: ${message}\n`),
};

/** The plural resource name the API server's messages use: pods, nodes, networkpolicies.networking.k8s.io… */
export function qualifiedPlural(type: string): string {
  if (type === 'networkpolicies') return 'networkpolicies.networking.k8s.io';
  if (type === 'daemonsets') return 'daemonsets.apps';
  if (type === 'deployments') return 'deployments.apps';
  if (type === 'replicasets') return 'replicasets.apps';
  if (type === 'endpointslices') return 'endpointslices.discovery.k8s.io';
  return type;
}

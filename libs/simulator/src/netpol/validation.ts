/**
 * NetworkPolicy validation as the API server does it (pkg/apis/networking/validation and the
 * apimachinery helpers it calls), run on the defaulted object. Same checks, order, paths and text.
 */
import { cidrContainsNetwork, parseCidr } from './cidr';
import { forbidden, invalid, notSupported, required, type FieldError } from './field-error';
import {
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
} from './name-rules';
import type { IPBlock, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from './types';

const protocols = ['TCP', 'UDP', 'SCTP'];
const policyTypes = ['Ingress', 'Egress'];

export function validateNetworkPolicy(policy: NetworkPolicy): FieldError[] {
  return [...validateMetadata(policy.metadata ?? {}), ...validateSpec(policy)];
}

function validateMetadata(metadata: Partial<NetworkPolicy['metadata']>): FieldError[] {
  const errs: FieldError[] = [];
  const { name = '', namespace = '' } = metadata;
  if (name === '') errs.push(required('metadata.name', 'name or generateName is required'));
  else errs.push(...isDNS1123Subdomain(name).map((m) => invalid('metadata.name', name, m)));
  if (namespace === '') errs.push(required('metadata.namespace'));
  else errs.push(...isDNS1123Label(namespace).map((m) => invalid('metadata.namespace', namespace, m)));
  errs.push(...validateLabels(metadata.labels ?? {}, 'metadata.labels'));
  return errs;
}

function validateSpec(policy: NetworkPolicy): FieldError[] {
  const spec = policy.spec ?? { podSelector: {} };
  const errs = validateLabelSelector(spec.podSelector ?? {}, 'spec.podSelector');
  (spec.ingress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((port, j) => errs.push(...validatePort(port, `spec.ingress[${i}].ports[${j}]`)));
    (rule.from ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, `spec.ingress[${i}].from[${j}]`)));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    (rule.ports ?? []).forEach((port, j) => errs.push(...validatePort(port, `spec.egress[${i}].ports[${j}]`)));
    (rule.to ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, `spec.egress[${i}].to[${j}]`)));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > policyTypes.length) {
    const goSyntax = `[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`;
    errs.push(invalid('spec.policyTypes', { goSyntax }, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((type, i) => {
    if (!policyTypes.includes(type)) errs.push(notSupported(`spec.policyTypes[${i}]`, type, policyTypes));
  });
  return errs;
}

function validatePort(port: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !protocols.includes(port.protocol)) {
    errs.push(notSupported(`${path}.protocol`, port.protocol, protocols));
  }
  if (port.port === undefined) {
    if (port.endPort !== undefined) {
      errs.push(invalid(`${path}.endPort`, port.endPort, 'may not be specified when `port` is not specified'));
    }
  } else if (typeof port.port === 'number') {
    errs.push(...isValidPortNum(port.port).map((m) => invalid(`${path}.port`, port.port as number, m)));
    if (port.endPort !== undefined) {
      if (port.endPort < port.port) {
        errs.push(invalid(`${path}.endPort`, port.endPort, 'must be greater than or equal to `port`'));
      }
      errs.push(...isValidPortNum(port.endPort).map((m) => invalid(`${path}.endPort`, port.endPort as number, m)));
    }
  } else {
    if (port.endPort !== undefined) {
      errs.push(invalid(`${path}.endPort`, port.endPort, 'may not be specified when `port` is non-numeric'));
    }
    errs.push(...isValidPortName(port.port).map((m) => invalid(`${path}.port`, port.port as string, m)));
  }
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  if (peer.podSelector) {
    count++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    count++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    count++;
    errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (count === 0) errs.push(required(path, 'must specify a peer'));
  else if (count > 1 && peer.ipBlock) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

const invalidCidr = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function validateIPBlock(block: IPBlock, path: string): FieldError[] {
  const cidrText = block.cidr ?? '';
  if (cidrText === '') return [required(`${path}.cidr`)];
  const cidr = parseCidr(cidrText);
  if (!cidr) return [invalid(`${path}.cidr`, cidrText, invalidCidr)];
  const errs: FieldError[] = [];
  (block.except ?? []).forEach((exceptText, i) => {
    const exceptPath = `${path}.except[${i}]`;
    const except = parseCidr(exceptText);
    if (!except) {
      errs.push(invalid(exceptPath, exceptText, invalidCidr));
    } else if (!cidrContainsNetwork(cidr, except) || cidr.prefix >= except.prefix) {
      errs.push(invalid(exceptPath, exceptText, 'must be a strict subset of `cidr`'));
    }
  });
  return errs;
}

function validateLabelSelector(selector: LabelSelector, path: string): FieldError[] {
  const errs = validateLabels(selector.matchLabels ?? {}, `${path}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((expression, i) => {
    const exprPath = `${path}.matchExpressions[${i}]`;
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push(required(`${exprPath}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push(forbidden(`${exprPath}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
        break;
      default:
        errs.push(invalid(`${exprPath}.operator`, String(expression.operator ?? ''), 'not a valid selector operator'));
    }
    const key = expression.key ?? '';
    errs.push(...isQualifiedName(key).map((m) => invalid(`${exprPath}.key`, key, m)));
    values.forEach((value, j) => {
      errs.push(...isValidLabelValue(value).map((m) => invalid(`${exprPath}.values[${j}]`, value, m)));
    });
  });
  return errs;
}

/** Go iterates the map in random order; HopLab reports keys sorted so answers are reproducible. */
function validateLabels(labels: Record<string, string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of Object.keys(labels).sort()) {
    errs.push(...isQualifiedName(key).map((m) => invalid(path, key, m)));
    errs.push(...isValidLabelValue(labels[key]).map((m) => invalid(path, labels[key], m)));
  }
  return errs;
}

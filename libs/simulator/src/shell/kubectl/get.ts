import { stringify } from 'yaml';
import { alignTabs, kubectlTableSettings, printTable, type Table } from '../../views';
import { failure, printed, type Invocation, type Printed } from '../types';
import { kubectlErrors, qualifiedPlural } from './errors';
import { boolFlag, flag, type FlagSpec, type ParsedFlags } from './flags';
import { resourceInfo, unknownResource, type ResourceInfo } from './resources';
import { evaluate, jsonpath } from './jsonpath';
import { resourceTable } from './tables';
import { formatLabels, parseLabelSelector } from './selector';
import { startWatch } from './watch';

export const getFlags: FlagSpec[] = [
  { name: 'all-namespaces', short: 'A' },
  { name: 'output', short: 'o', value: true },
  { name: 'selector', short: 'l', value: true },
  { name: 'show-labels' },
  { name: 'no-headers' },
  { name: 'watch', short: 'w' },
  { name: 'field-selector', value: true },
];

/** The objects a command names: `pods app db`, `pod/app`, or every object of a type. */
export interface Target {
  info: ResourceInfo;
  names: string[];
}

/** Resolves `TYPE [NAME...]` or `TYPE/NAME...`; a string is kubectl's error text. */
export function targets(positional: string[], command: string): Target[] | Printed {
  if (positional.length === 0) {
    return failure(
      `You must specify the type of resource to ${command}. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl ${command} -h' for help and examples\n`,
    );
  }
  if (positional[0].includes('/')) {
    const found: Target[] = [];
    for (const arg of positional) {
      const slash = arg.indexOf('/');
      if (slash < 0) return kubectlErrors.plain(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl ${command} resource/<resource_name>' instead of 'kubectl ${command} resource resource/<resource_name>'`);
      const info = resourceInfo(arg.slice(0, slash));
      if (!info) return failure(unknownResource(arg.slice(0, slash)));
      const existing = found.find((t) => t.info.type === info.type);
      if (existing) existing.names.push(arg.slice(slash + 1));
      else found.push({ info, names: [arg.slice(slash + 1)] });
    }
    return found;
  }
  const types = positional[0].split(',').flatMap((type) => (type === 'all' ? ['pods', 'services', 'daemonsets', 'deployments', 'replicasets'] : [type]));
  const found: Target[] = [];
  for (const type of types) {
    const info = resourceInfo(type);
    if (!info) return failure(unknownResource(type));
    found.push({ info, names: positional.slice(1) });
  }
  return found;
}

export function namespaceOf(parsed: ParsedFlags): string {
  return flag(parsed, 'namespace') ?? 'default';
}

export function kubectlGet(call: Invocation, parsed: ParsedFlags): Printed {
  const found = targets(parsed.positional, 'get');
  if ('kind' in found) return found;
  const all = boolFlag(parsed, 'all-namespaces');
  const namespace = namespaceOf(parsed);
  const output = flag(parsed, 'output');
  const template = output?.startsWith('jsonpath=') ? output.slice(9) : undefined;
  const columns = output?.startsWith('custom-columns=') ? output.slice(15) : undefined;
  const structured = output === 'yaml' || output === 'json' || template !== undefined || columns !== undefined;
  if (output !== undefined && !['wide', 'name', 'yaml', 'json'].includes(output) && template === undefined && columns === undefined) {
    return kubectlErrors.plain(`unable to match a printer suitable for the output format "${output}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml`);
  }
  let test: ((labels: Record<string, string>) => boolean) | undefined;
  const selector = flag(parsed, 'selector');
  if (selector !== undefined) {
    const parsedSelector = parseLabelSelector(selector);
    if (typeof parsedSelector === 'string') return kubectlErrors.plain(parsedSelector);
    test = parsedSelector;
  }
  let fields: ((values: Record<string, string>) => boolean) | undefined;
  const fieldSelector = flag(parsed, 'field-selector');
  if (fieldSelector !== undefined) {
    const parsedFields = parseFieldSelector(fieldSelector);
    if (typeof parsedFields === 'string') return kubectlErrors.plain(parsedFields);
    fields = parsedFields;
  }
  const watching = boolFlag(parsed, 'watch');
  if (watching && found.length > 1) return kubectlErrors.plain('you may only specify a single resource type');
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const objects: unknown[] = [];
  const showKind = found.length > 1;
  let printedAny = false;
  let emptyNamespace: string | undefined | null = null;
  found.forEach((target, index) => {
    const listNamespace = !target.info.namespaced || (all && target.names.length === 0) ? undefined : namespace;
    let t: Table = resourceTable(call.state, target.info.type, listNamespace, call.env.now);
    if (target.names.length > 0) {
      const rows = [];
      for (const name of target.names) {
        const row = t.rows.find((r) => r.object.metadata.name === name);
        if (row) rows.push(row);
        else {
          stderr += `Error from server (NotFound): ${qualifiedPlural(target.info.type)} "${name}" not found\n`;
          exitCode = 1;
        }
      }
      t = { ...t, rows };
    }
    if (test) t = { ...t, rows: t.rows.filter((r) => test!(r.object.metadata.labels ?? {})) };
    if (fields) t = { ...t, rows: t.rows.filter((r) => fields!(fieldValues(call.state, target.info.type, r.object.metadata.namespace, r.object.metadata.name))) };
    if (t.rows.length === 0) {
      if (target.names.length === 0) emptyNamespace = listNamespace;
      return;
    }
    printedAny = true;
    if (output === 'name') {
      stdout += t.rows.map((r) => `${target.info.singular}/${r.object.metadata.name}\n`).join('');
    } else if (structured) {
      objects.push(...t.rows.map((r) => objectFor(call, target.info, r.object.metadata.namespace, r.object.metadata.name)));
    } else {
      // Several types in one listing: each with its own header, a blank line between them (none without headers).
      if (index > 0 && stdout !== '' && !boolFlag(parsed, 'no-headers')) stdout += '\n';
      // Several types in one listing name their rows kind/name (kubectl's implied --show-kind).
      if (showKind) t = { ...t, rows: t.rows.map((r) => ({ ...r, cells: [`${target.info.singular}/${r.cells[0]}`, ...r.cells.slice(1)] })) };
      stdout += renderTable(t, { wide: output === 'wide', withNamespace: all && target.info.namespaced && target.names.length === 0, showLabels: boolFlag(parsed, 'show-labels'), noHeaders: boolFlag(parsed, 'no-headers') });
    }
  });
  if (!printedAny && emptyNamespace !== null && !structured) {
    stderr += emptyNamespace === undefined ? 'No resources found\n' : `No resources found in ${emptyNamespace} namespace.\n`;
  }
  if (structured) {
    const single = found.length === 1 && found[0].names.length === 1;
    const document = single ? objects[0] : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
    if (document === undefined) return printed(stdout, stderr, exitCode);
    if (columns !== undefined) {
      const table = customColumns(columns, single ? [document] : objects, boolFlag(parsed, 'no-headers'));
      if (typeof table === 'string') stdout += table;
      else return table;
    } else if (template !== undefined) {
      try {
        stdout += jsonpath(template, document);
      } catch (error) {
        return kubectlErrors.plain(`error parsing jsonpath ${template}, ${(error as Error).message}`);
      }
    } else stdout += output === 'json' ? `${JSON.stringify(document, null, 4)}\n` : toYaml(document);
  }
  if (watching && !structured && output !== 'name') {
    const [{ info, names }] = found;
    const spec = {
      type: info.type,
      namespace: !info.namespaced || (all && names.length === 0) ? undefined : namespace,
      names,
      ...(selector !== undefined ? { labelSelector: selector } : {}),
      ...(fieldSelector !== undefined ? { fieldSelector } : {}),
      wide: output === 'wide',
      withNamespace: all && info.namespaced && names.length === 0,
      showLabels: boolFlag(parsed, 'show-labels'),
      noHeaders: boolFlag(parsed, 'no-headers'),
    };
    return { ...printed(stdout, stderr, exitCode), watch: startWatch(call.state, spec, call.env.now) };
  }
  return printed(stdout, stderr, exitCode);
}

function objectFor(call: Invocation, info: ResourceInfo, namespace: string | undefined, name: string): unknown {
  const render = call.env.objects;
  if (render) return render(call.state, info.type, namespace, name);
  // Without the server's renderer: the fields the shell knows, enough for jsonpath on names, nodes and IPs.
  const object: Record<string, unknown> = { apiVersion: 'v1', kind: info.kind, metadata: namespace === undefined ? { name } : { name, namespace } };
  const pod = info.type === 'pods' ? call.state.pods.get(`${namespace}/${name}`) : undefined;
  if (pod) {
    object.spec = { nodeName: pod.node };
    object.status = { phase: pod.phase, podIP: pod.ip, hostIP: call.state.nodes.get(pod.node)?.ip };
  }
  return object;
}

/** The fields the API server lets pods be selected by (spec.nodeName, status.phase…); metadata for the rest. */
export function fieldValues(state: Invocation['state'], type: string, namespace: string | undefined, name: string): Record<string, string> {
  const values: Record<string, string> = { 'metadata.name': name, 'metadata.namespace': namespace ?? '' };
  const pod = type === 'pods' ? state.pods.get(`${namespace}/${name}`) : undefined;
  if (pod) Object.assign(values, { 'spec.nodeName': pod.node, 'status.phase': pod.phase, 'status.podIP': pod.ip, 'spec.hostNetwork': String(pod.hostNetwork) });
  return values;
}

export function parseFieldSelector(text: string): ((values: Record<string, string>) => boolean) | string {
  const tests: ((values: Record<string, string>) => boolean)[] = [];
  for (const part of text.split(',')) {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part.trim());
    if (!m) return `invalid selector: '${text}'; can't understand '${part}'`;
    const [, field, op, value] = m;
    tests.push(op === '!=' ? (v) => v[field] !== value : (v) => v[field] === value);
  }
  return (values) => tests.every((t) => t(values));
}

/** `-o custom-columns=NAME:.metadata.name,IP:.status.podIP`: one column per spec, `<none>` where the path reaches nothing. */
function customColumns(spec: string, objects: unknown[], noHeaders: boolean): string | Printed {
  const columns = spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    return colon < 0 ? null : { header: part.slice(0, colon), path: part.slice(colon + 1).replace(/^\{(.*)\}$/, '$1') };
  });
  if (columns.some((c) => c === null)) return kubectlErrors.plain(`unexpected custom-columns spec: ${spec}, expected <header>:<json-path-expr>`);
  const rows = objects.map((object) =>
    columns.map((c) => {
      const values = evaluate(c!.path.startsWith('.') ? c!.path : `.${c!.path}`, object);
      return values.length === 0 ? '<none>' : values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
    }),
  );
  const lines = noHeaders ? rows : [columns.map((c) => c!.header), ...rows];
  return alignTabs(lines.map((cells) => `${cells.join('\t')}\n`).join(''), kubectlTableSettings);
}

/** kubectl's YAML: keys sorted (objects go through JSON maps), sequences not indented under their key. */
function toYaml(document: unknown): string {
  // YAML 1.1 scalars: go-yaml quotes strings that would read back as timestamps or booleans ("2026-…Z", "yes", "on").
  return stringify(document, { indentSeq: false, sortMapEntries: true, lineWidth: 0, version: '1.1' });
}

interface RenderOptions {
  wide: boolean;
  withNamespace: boolean;
  showLabels: boolean;
  noHeaders: boolean;
}

function renderTable(t: Table, options: RenderOptions): string {
  let table = t;
  if (options.showLabels) {
    table = {
      ...t,
      columnDefinitions: [...t.columnDefinitions, { name: 'Labels', type: 'string', format: '', description: '', priority: 0 }],
      rows: t.rows.map((r) => ({ ...r, cells: [...r.cells, labelsCell(r.object.metadata.labels)] })),
    };
  }
  const text = printTable(table, { wide: options.wide, withNamespace: options.withNamespace });
  return options.noHeaders ? text.slice(text.indexOf('\n') + 1) : text;
}

function labelsCell(labels: Record<string, string> | undefined): string {
  return formatLabels(labels);
}

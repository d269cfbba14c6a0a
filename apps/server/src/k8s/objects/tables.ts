import { age, column, daemonSetsTable, deploymentsTable, nodesTable, podsTable, replicaSetsTable, rowObject, table, type Table, type TableColumnDefinition } from '@hoplab/simulator/views';
import { formatSliceEndpoints, formatSlicePorts } from '@hoplab/simulator';
import type { KubeObject, RenderContext } from './render-context';

type Json = Record<string, any>;

/** `metav1.FormatLabelSelector`: `app=db,tier in (a,b)`, `<none>` when it selects everything. */
export function formatLabelSelector(selector: Json | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

const ageOf = (ctx: RenderContext, o: Json) => age(ctx.origin + ctx.now, Date.parse(o.metadata.creationTimestamp));

/** A Table for kinds the shell has no printer for, with the columns of the API server's printers. */
function simpleTable(ctx: RenderContext, columns: TableColumnDefinition[], objects: KubeObject[], cells: (o: Json) => (string | number)[]): Table {
  return table(
    ctx.state.version,
    columns,
    objects.map((o) => ({ cells: cells(o), object: rowObject(o.metadata.name, o.metadata.namespace, o.metadata.labels ?? {}, o.metadata.uid) })),
  );
}

function servicePorts(o: Json): string {
  const ports = (o.spec.ports ?? []) as Json[];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}`).join(',');
}

function endpointsCell(o: Json): string {
  const all: string[] = [];
  for (const subset of o.subsets ?? []) for (const a of subset.addresses ?? []) for (const p of subset.ports ?? []) all.push(`${a.ip}:${p.port}`);
  if (all.length === 0) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

/**
 * The Table of `objects` (already selected): pods, nodes and DaemonSets come from the lab shell's
 * printers, so the real kubectl and the shell's print the same cells.
 */
export function tableOf(resource: string, ctx: RenderContext, objects: KubeObject[]): Table {
  const wanted = new Set(objects.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`));
  const keep = (t: Table): Table => ({ ...t, rows: t.rows.filter((r) => wanted.has(`${r.object.metadata.namespace ?? ''}/${r.object.metadata.name}`)) });
  const now = ctx.now;
  switch (resource) {
    case 'pods':
      return keep(podsTable(ctx.state, undefined, now));
    case 'nodes':
      return keep(nodesTable(ctx.state, undefined, now));
    case 'daemonsets':
      return keep(daemonSetsTable(ctx.state, undefined, now));
    case 'deployments':
      return keep(deploymentsTable(ctx.state, undefined, now));
    case 'replicasets':
      return keep(replicaSetsTable(ctx.state, undefined, now));
    case 'namespaces':
      return simpleTable(ctx, [column('Name'), column('Status'), column('Age')], objects, (o) => [o.metadata.name, 'Active', ageOf(ctx, o)]);
    case 'configmaps':
      return simpleTable(ctx, [column('Name'), column('Data', 0, 'integer'), column('Age')], objects, (o) => [o.metadata.name, Object.keys((o.data as Json) ?? {}).length, ageOf(ctx, o)]);
    case 'networkpolicies':
      return simpleTable(ctx, [column('Name'), column('Pod-Selector'), column('Age')], objects, (o) => [o.metadata.name, formatLabelSelector((o.spec as Json).podSelector), ageOf(ctx, o)]);
    case 'services':
      return simpleTable(
        ctx,
        [column('Name'), column('Type'), column('Cluster-IP'), column('External-IP'), column('Port(s)'), column('Age'), column('Selector', 1)],
        objects,
        (o: Json) => [o.metadata.name, o.spec.type, o.spec.clusterIP, o.spec.type === 'LoadBalancer' ? '<pending>' : '<none>', servicePorts(o), ageOf(ctx, o), o.spec.selector ? Object.entries(o.spec.selector).map(([k, v]) => `${k}=${v}`).join(',') : '<none>'],
      );
    case 'endpoints':
      return simpleTable(ctx, [column('Name'), column('Endpoints'), column('Age')], objects, (o) => [o.metadata.name, endpointsCell(o), ageOf(ctx, o)]);
    case 'endpointslices':
      return simpleTable(ctx, [column('Name'), column('AddressType'), column('Ports'), column('Endpoints'), column('Age')], objects, (o: Json) => [
        o.metadata.name,
        o.addressType,
        formatSlicePorts(o.ports ?? []),
        formatSliceEndpoints(o.endpoints ?? []),
        ageOf(ctx, o),
      ]);
    case 'events':
      return simpleTable(ctx, [column('Last Seen'), column('Type'), column('Reason'), column('Object'), column('Message')], objects, (o: Json) => [
        age(ctx.origin + ctx.now, Date.parse(o.lastTimestamp)),
        o.type,
        o.reason,
        `${o.involvedObject.kind.toLowerCase()}/${o.involvedObject.name}`,
        o.message,
      ]);
    default:
      return simpleTable(ctx, [column('Name'), column('Age')], objects, (o) => [o.metadata.name, ageOf(ctx, o)]);
  }
}

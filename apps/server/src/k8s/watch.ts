import type { Response } from 'express';
import { filter, type Subscription } from 'rxjs';
import type { TableRow } from '@hoplab/simulator/views';
import type { KubeResource } from './catalog';
import type { KubeAccess, KubeApiService } from './kube-api.service';
import { tableOf, type KubeObject, type RenderContext } from './objects';

export interface WatchRequest {
  resource: KubeResource;
  namespace?: string;
  /** The list's version to watch from; undefined or 0: every current object is ADDED first. */
  resourceVersion?: number;
  select: (object: KubeObject) => boolean;
  asTable: boolean;
  timeoutSeconds?: number;
}

interface Seen {
  json: string;
  object: KubeObject;
  row?: TableRow;
}

const identity = (o: KubeObject) => JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });

/**
 * A watch: the objects as of `resourceVersion` (rebuilt from the events), then one diff per append
 * to the lab, each change a line `{"type":"ADDED|MODIFIED|DELETED","object":...}` on a chunked
 * response kept open until the client leaves or `timeoutSeconds` pass.
 */
export async function serveWatch(api: KubeApiService, access: KubeAccess, watch: WatchRequest, response: Response): Promise<void> {
  const seen = new Map<string, Seen>();
  const snapshot = (ctx: RenderContext) => {
    const objects = api.list(ctx, watch.resource, watch.namespace).filter(watch.select);
    const rows = watch.asTable ? tableOf(watch.resource.resource, ctx, objects) : undefined;
    const byKey = new Map<string, Seen>();
    objects.forEach((object) => {
      const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
      const row = rows?.rows.find((r) => r.object.metadata.name === object.metadata.name && (r.object.metadata.namespace ?? '') === (object.metadata.namespace ?? ''));
      byKey.set(key, { json: identity(object), object, row });
    });
    return { byKey, columns: rows?.columnDefinitions ?? [], version: ctx.state.version };
  };
  const body = (entry: Seen, columns: unknown[], version: number) =>
    watch.asTable
      ? { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: String(version) }, columnDefinitions: columns, rows: entry.row ? [entry.row] : [] }
      : { ...entry.object, metadata: { ...entry.object.metadata, resourceVersion: String(version) } };
  const send = (type: string, entry: Seen, columns: unknown[], version: number) => response.write(JSON.stringify({ type, object: body(entry, columns, version) }) + '\n');

  const sync = (current: ReturnType<typeof snapshot>) => {
    for (const [key, entry] of current.byKey) {
      const before = seen.get(key);
      if (!before) send('ADDED', entry, current.columns, current.version);
      else if (before.json !== entry.json || (watch.asTable && JSON.stringify(before.row?.cells) !== JSON.stringify(entry.row?.cells))) send('MODIFIED', entry, current.columns, current.version);
    }
    for (const [key, entry] of seen) if (!current.byKey.has(key)) send('DELETED', entry, current.columns, current.version);
    seen.clear();
    for (const [key, entry] of current.byKey) seen.set(key, entry);
  };

  if (watch.resourceVersion) {
    const base = await api.viewAt(access, watch.resourceVersion, snapshot);
    for (const [key, entry] of base.byKey) seen.set(key, entry);
  }
  response.status(200);
  response.setHeader('Content-Type', 'application/json');
  response.setHeader('Cache-Control', 'no-cache, private');
  response.flushHeaders();

  let closed = false;
  let pending = Promise.resolve();
  const refresh = () => {
    pending = pending.then(async () => {
      if (closed) return;
      try {
        sync(await api.view(access, snapshot));
      } catch {
        finish();
      }
    });
  };
  const subscription: Subscription = api.runtime.appended.pipe(filter((a) => a.labId === access.labId)).subscribe({ next: refresh, complete: () => finish() });
  const timer = watch.timeoutSeconds ? setTimeout(() => finish(), watch.timeoutSeconds * 1000) : undefined;
  function finish() {
    if (closed) return;
    closed = true;
    subscription.unsubscribe();
    if (timer) clearTimeout(timer);
    response.end();
  }
  response.on('close', finish);
  refresh();
}

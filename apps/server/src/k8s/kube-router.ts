import { Inject, Injectable } from '@nestjs/common';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { parse as parseYaml } from 'yaml';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config';
import { TEXT_TYPES } from '../http/body-parsers';
import { sendProblem, toProblem } from '../problem/problem.filter';
import { aggregatedDiscovery, AGGREGATED_DISCOVERY_TYPE, KUBERNETES_VERSION, legacyApiGroupList, legacyApiVersions, legacyResourceList, openApiGroupVersion, openApiIndex, wantsAggregatedDiscovery, type KubeResource } from './catalog';
import { KubeApiService, type KubeAccess } from './kube-api.service';
import { deploymentScale, tableOf, type KubeObject } from './objects';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch';
import { podLog } from './pod-logs';
import { parseKubePath } from './request-path';
import { fieldSelector, labelSelector } from './selectors';
import { badRequestStatus, KubeStatusError, methodNotAllowed, notFoundStatus, pathNotFound, unsupportedMediaType } from './status';
import { serveWatch } from './watch';
import { isWritable, planCreate, planDelete, planUpdate, strictDecodingErrors } from './writes';

type Json = Record<string, any>;
type ObjectPath = { resource: KubeResource; namespace?: string; name?: string; subresource?: string };

const wantsTable = (request: Request) => /as=Table/.test(request.headers.accept ?? '');
/**
 * kubectl never sends a bearer token over plain http (kubernetes/kubectl#744), so an http
 * kubeconfig carries the token in the server URL instead: `/k8s/:lab/token/:token/api/v1/...`.
 */
export function splitPathToken(path: string): { token?: string; path: string } {
  const match = /^\/token\/([^/]+)(\/.*)?$/.exec(path);
  return match ? { token: decodeURIComponent(match[1]), path: match[2] ?? '/' } : { path };
}

const query = (request: Request, key: string) => (typeof request.query[key] === 'string' ? (request.query[key] as string) : undefined);

/**
 * The Kubernetes API of every lab, mounted at `/k8s/:lab`: a plain Express application (run as
 * middleware of the Fastify server) so that watch and log streams, content types and Status errors
 * are exactly what kubectl expects.
 */
@Injectable()
export class KubeRouter {
  readonly app: Express = express();

  constructor(
    @Inject(KubeApiService) private readonly api: KubeApiService,
    @Inject(SERVER_CONFIG) config: ServerConfig,
  ) {
    this.app.disable('x-powered-by');
    this.app.use(express.json({ limit: config.bodyLimit, type: ['application/json', 'application/*+json'] }));
    this.app.use(express.text({ limit: config.bodyLimit, type: TEXT_TYPES }));
    this.app.use(express.text({ type: 'application/apply-patch+yaml', limit: '1mb' }));
    this.app.use('/:lab', (request, response, next) => {
      this.handle(request, response).catch((error) => this.fail(error, response, next));
    });
    // Body errors (413, malformed JSON) and faults outside kubectl's Status errors are problems, as in the rest of the API.
    this.app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
      if (response.headersSent) return next(error);
      sendProblem(response, toProblem(error));
    });
  }

  private fail(error: unknown, response: Response, next: NextFunction): void {
    if (response.headersSent) {
      response.end();
      return;
    }
    if (!(error instanceof KubeStatusError)) return next(error);
    response.status(error.code).type('application/json').send(JSON.stringify(error.toStatus()));
  }

  private async handle(request: Request, response: Response): Promise<void> {
    const { token, path: apiPath } = splitPathToken(request.path);
    const access = await this.api.access(String(request.params.lab), token ? `Bearer ${token}` : request.headers.authorization);
    const path = parseKubePath(apiPath);
    if (request.method !== 'GET' && path.type !== 'object') throw methodNotAllowed();
    switch (path.type) {
      case 'version':
        response.json(KUBERNETES_VERSION);
        return;
      case 'discovery':
        if (wantsAggregatedDiscovery(request.headers.accept)) response.type(AGGREGATED_DISCOVERY_TYPE).send(JSON.stringify(aggregatedDiscovery(path.core)));
        else response.json(path.core ? legacyApiVersions(request.headers.host ?? '') : legacyApiGroupList());
        return;
      case 'resource-list': {
        const list = legacyResourceList(path.group);
        if (!list) throw pathNotFound();
        response.json(list);
        return;
      }
      case 'openapi-index':
        response.json(openApiIndex());
        return;
      case 'openapi': {
        const document = openApiGroupVersion(path.path);
        if (!document) throw pathNotFound();
        response.json(document);
        return;
      }
      case 'object':
        return this.objects(access, path, request, response);
      default:
        throw pathNotFound();
    }
  }

  private async objects(access: KubeAccess, path: ObjectPath, request: Request, response: Response): Promise<void> {
    const { resource, namespace, name, subresource } = path;
    const method = request.method;
    if (name === undefined) {
      if (method === 'GET') return this.collection(access, path, request, response);
      if (method === 'POST') return this.create(access, path, request, response);
      throw methodNotAllowed();
    }
    if (subresource === 'log' && method === 'GET') return this.logs(access, path as Required<ObjectPath>, request, response);
    if (subresource === 'exec') throw badRequestStatus('Upgrade request required');
    if (subresource === 'scale' && resource.resource === 'deployments') return this.scale(access, path as Required<ObjectPath>, request, response);
    if (subresource !== undefined && subresource !== 'status') throw pathNotFound();
    if (resource.namespaced && namespace === undefined) throw pathNotFound();
    switch (method) {
      case 'GET': {
        const body = await this.api.view(access, (ctx) => {
          const object = this.api.get(ctx, resource, namespace, name);
          return wantsTable(request) ? tableOf(resource.resource, ctx, [object]) : object;
        });
        response.json(body);
        return;
      }
      case 'PUT':
        return this.replace(access, path as ObjectPath & { name: string }, request, response, () => request.body as Json);
      case 'PATCH':
        return this.patch(access, path as ObjectPath & { name: string }, request, response);
      case 'DELETE':
        return this.remove(access, path as ObjectPath & { name: string }, response);
      default:
        throw methodNotAllowed();
    }
  }

  private async collection(access: KubeAccess, path: ObjectPath, request: Request, response: Response): Promise<void> {
    const byLabel = labelSelector(query(request, 'labelSelector'));
    const byField = fieldSelector(query(request, 'fieldSelector'));
    const select = (o: KubeObject) => byLabel(o.metadata.labels) && byField(o);
    const watching = query(request, 'watch') === 'true' || query(request, 'watch') === '1';
    if (watching) {
      const rv = Number(query(request, 'resourceVersion') ?? '0');
      const timeout = Number(query(request, 'timeoutSeconds') ?? '0');
      return serveWatch(this.api, access, { resource: path.resource, namespace: path.namespace, resourceVersion: rv > 0 ? rv : undefined, select, asTable: wantsTable(request), timeoutSeconds: timeout > 0 ? timeout : undefined }, response);
    }
    const body = await this.api.view(access, (ctx) => {
      const objects = this.api.list(ctx, path.resource, path.namespace).filter(select);
      if (wantsTable(request)) return tableOf(path.resource.resource, ctx, objects);
      return { kind: `${path.resource.kind}List`, apiVersion: path.resource.group ? `${path.resource.group}/v1` : 'v1', metadata: { resourceVersion: String(ctx.state.version) }, items: objects };
    });
    response.json(body);
  }

  /** Strict field validation (kubectl's default) refuses unknown fields with 400, as the API server does. */
  private validateFields(path: ObjectPath, request: Request, object: Json): void {
    if (query(request, 'fieldValidation') !== 'Strict') return;
    const unknown = strictDecodingErrors(path.resource, object);
    const { kind, version } = path.resource;
    if (unknown.length) throw badRequestStatus(`${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${unknown.join(', ')}`);
  }

  private refuseDryRun(request: Request): void {
    if (request.query.dryRun !== undefined) throw badRequestStatus('dry run is not supported by this lab');
  }

  private async create(access: KubeAccess, path: ObjectPath, request: Request, response: Response): Promise<void> {
    const { resource, namespace } = path;
    this.api.authorize(access, 'create', resource, namespace);
    this.refuseDryRun(request);
    if (!isWritable(resource)) throw methodNotAllowed();
    const object = request.body as Json;
    if (typeof object !== 'object' || object === null) throw badRequestStatus('the request body must be an object');
    this.validateFields(path, request, object);
    const name = String(object.metadata?.name ?? '');
    await this.api.write(access, resource, name, (state) => planCreate(state, resource, namespace, object), access.role);
    response.status(201).json(await this.api.view(access, (ctx) => this.api.get(ctx, resource, namespace, name)));
  }

  private async replace(access: KubeAccess, path: ObjectPath & { name: string }, request: Request, response: Response, desired: () => Json): Promise<void> {
    const { resource, namespace, name } = path;
    this.api.authorize(access, request.method === 'PUT' ? 'update' : 'patch', resource, namespace);
    this.refuseDryRun(request);
    if (!isWritable(resource)) throw methodNotAllowed();
    await this.api.write(access, resource, name, (state) => {
      const live = this.api.get(this.api.context(access, state, state.time), resource, namespace, name);
      const object = desired();
      this.validateFields(path, request, object);
      const sent = object.metadata?.resourceVersion;
      if (request.method === 'PUT' && sent !== undefined && sent !== live.metadata.resourceVersion) {
        throw new KubeStatusError(409, 'Conflict', `Operation cannot be fulfilled on ${resource.resource}${resource.group ? `.${resource.group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: resource.group, kind: resource.resource });
      }
      return planUpdate(state, resource, namespace, name, object);
    }, access.role);
    response.status(200).json(await this.api.view(access, (ctx) => this.api.get(ctx, resource, namespace, name)));
  }

  private async patch(access: KubeAccess, path: ObjectPath & { name: string }, request: Request, response: Response): Promise<void> {
    const { resource, namespace, name } = path;
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim();
    this.api.authorize(access, 'patch', resource, namespace);
    if (type === 'application/apply-patch+yaml') return this.serverSideApply(access, path, request, response);
    const patchers: Record<string, (live: unknown, patch: unknown) => unknown> = {
      'application/strategic-merge-patch+json': strategicMergePatch,
      'application/merge-patch+json': mergePatch,
      'application/json-patch+json': jsonPatch,
    };
    const patcher = patchers[type];
    if (!patcher) throw unsupportedMediaType(type);
    if (resource.resource === 'daemonsets') return this.restartDaemonSet(access, path, request, response);
    const live = await this.api.view(access, (ctx) => this.api.get(ctx, resource, namespace, name));
    const patched = patcher(live, request.body) as Json;
    return this.replace(access, path, request, response, () => patched);
  }

  /** Server-side apply: the body is the whole intent; a missing object is created (201). */
  private async serverSideApply(access: KubeAccess, path: ObjectPath & { name: string }, request: Request, response: Response): Promise<void> {
    const { resource, namespace, name } = path;
    const object = (typeof request.body === 'string' ? parseYaml(request.body) : request.body) as Json;
    const exists = await this.api.view(access, (ctx) => this.exists(ctx, resource, namespace, name));
    if (!exists) {
      this.validateFields(path, request, object);
      this.refuseDryRun(request);
      await this.api.write(access, resource, name, (state) => planCreate(state, resource, namespace, { ...object, metadata: { ...object.metadata, name } }), access.role);
      response.status(201).json(await this.api.view(access, (ctx) => this.api.get(ctx, resource, namespace, name)));
      return;
    }
    const live = await this.api.view(access, (ctx) => this.api.get(ctx, resource, namespace, name));
    const merged = mergePatch(live, object) as Json;
    return this.replace(access, path, request, response, () => merged);
  }

  private exists(ctx: Parameters<KubeApiService['list']>[0], resource: KubeResource, namespace: string | undefined, name: string): boolean {
    try {
      this.api.get(ctx, resource, namespace, name);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * `kubectl rollout restart ds`: the model's restartDaemonSet replaces every pod of the DaemonSet
   * (kube-proxy's also re-runs its full sync); other template changes are refused.
   */
  private async restartDaemonSet(access: KubeAccess, path: ObjectPath & { name: string }, request: Request, response: Response): Promise<void> {
    const { resource, namespace, name } = path;
    await this.api.view(access, (ctx) => this.api.get(ctx, resource, namespace, name));
    const restartedAt = request.body?.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    if (!restartedAt) throw new KubeStatusError(422, 'Invalid', `DaemonSet.apps "${name}" is invalid: spec.template: Forbidden: this lab only supports restarting a DaemonSet (kubectl rollout restart)`, { name, group: 'apps', kind: 'DaemonSet' });
    this.refuseDryRun(request);
    await this.api.write(access, resource, name, () => [{ type: 'restartDaemonSet', namespace: namespace!, name }], access.role);
    response.json(await this.api.view(access, (ctx) => strategicMergePatch(this.api.get(ctx, resource, namespace, name), request.body)));
  }

  /** `deployments/<name>/scale` (autoscaling/v1 Scale): GET, and PATCH or PUT of spec.replicas (`kubectl scale`). */
  private async scale(access: KubeAccess, path: Required<ObjectPath>, request: Request, response: Response): Promise<void> {
    const { resource, namespace, name } = path;
    const current = () =>
      this.api.view(access, (ctx) => {
        const deployment = ctx.state.deployments.get(`${namespace}/${name}`);
        if (!deployment) throw notFoundStatus(resource, name);
        return deploymentScale(ctx, deployment);
      });
    const live = await current();
    if (request.method === 'GET') {
      response.json(live);
      return;
    }
    if (request.method !== 'PATCH' && request.method !== 'PUT') throw methodNotAllowed();
    this.api.authorize(access, request.method === 'PUT' ? 'update' : 'patch', resource, namespace);
    this.refuseDryRun(request);
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim();
    const patchers: Record<string, (live: unknown, patch: unknown) => unknown> = {
      'application/strategic-merge-patch+json': strategicMergePatch,
      'application/merge-patch+json': mergePatch,
      'application/json-patch+json': jsonPatch,
    };
    if (request.method === 'PATCH' && !patchers[type]) throw unsupportedMediaType(type);
    const desired = (request.method === 'PUT' ? request.body : patchers[type](live, request.body)) as Json;
    const replicas = desired?.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new KubeStatusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`, { name, group: 'autoscaling', kind: 'Scale' });
    }
    await this.api.write(access, resource, name, () => [{ type: 'scaleDeployment', namespace, name, replicas }], access.role);
    response.json(await current());
  }

  private async remove(access: KubeAccess, path: ObjectPath & { name: string }, response: Response): Promise<void> {
    const { resource, namespace, name } = path;
    this.api.authorize(access, 'delete', resource, namespace);
    if (!isWritable(resource)) throw methodNotAllowed();
    const live = await this.api.view(access, (ctx) => this.api.get(ctx, resource, namespace, name));
    await this.api.write(access, resource, name, (state) => planDelete(state, resource, namespace, name), access.role);
    response.json(live);
  }

  private async logs(access: KubeAccess, path: Required<ObjectPath>, request: Request, response: Response): Promise<void> {
    const { resource, namespace, name } = path;
    const text = await this.api.view(access, (ctx) => {
      const pod = ctx.state.pods.get(`${namespace}/${name}`);
      if (!pod) throw notFoundStatus(resource, name);
      const container = query(request, 'container') ?? pod.containers[0].name;
      if (!pod.containers.some((c) => c.name === container)) throw badRequestStatus(`container ${container} is not valid for pod ${name}`);
      if (pod.phase !== 'Running') throw badRequestStatus(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
      return podLog(pod, container, this.api.get(ctx, resource, namespace, name).metadata.creationTimestamp);
    });
    response.status(200).type('text/plain');
    if (query(request, 'follow') !== 'true') {
      response.send(text);
      return;
    }
    response.flushHeaders();
    response.write(text);
    // Nothing more is ever logged: the stream stays open until the client leaves, as `logs -f` expects.
    request.on('close', () => response.end());
  }
}

import request, { type Response } from 'supertest';
import { LabAuthGuard } from '../apps/server/src/auth/lab-auth.guard';
import type { CreatedLab } from './support/lab-sockets';
import { bearer, createLab, useTestServer } from './support/test-server';

/**
 * POST /apply with an application/json body is answered by the JSON apply lane, without Express's
 * router and Nest's handler; any other JSON type (application/*+json) still goes through them. Twin
 * labs with paused clocks decide the same events, so each request is sent to one lab through the lane
 * and to its twin through Express: the answers must be the same.
 */
describe('the JSON apply lane', () => {
  // Nest's guard runs for every request that reaches the controller; the lane calls its authorize() only.
  const controllerApply = jest.spyOn(LabAuthGuard.prototype, 'canActivate');
  const server = useTestServer();

  const pod = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra } });
  const twins = async (): Promise<[CreatedLab, CreatedLab]> => {
    const create = () => createLab(server.url, { name: 'twin', scenario: 'minikube-flannel', cluster: { clock: { speed: 0 } } });
    return [await create(), await create()];
  };

  /** The same apply, to the first lab as application/json (the lane) and to the second as application/*+json (Express). */
  async function both(labs: [CreatedLab, CreatedLab], body: string, headers: (lab: CreatedLab) => Record<string, string> = (lab) => bearer(lab.tokens.student)) {
    const send = (lab: CreatedLab, type: string) => request(server.url).post(`/api/labs/${lab.id}/apply`).set(headers(lab)).set('Content-Type', type).send(body);
    const before = controllerApply.mock.calls.length;
    const lane = await send(labs[0], 'application/json');
    const laneReachedController = controllerApply.mock.calls.length > before;
    const express = await send(labs[1], 'application/vnd.hoplab+json');
    return { lane, express, laneReachedController };
  }

  /** Status, headers and body, without what differs between two labs or two instants. */
  const answer = (response: Response, lab: CreatedLab) => {
    const { date: _date, ...headers } = response.headers;
    const text = response.text.replaceAll(lab.id, '<lab>').replace(/"recordedAt":"[^"]+"/g, '"recordedAt":"<t>"');
    // A problem's weak ETag is its body's length and hash (the body is compared).
    const etag = headers.etag?.replace(/^(W\/"[0-9a-f]+-).*$/, '$1<hash>"');
    return { status: response.status, headers: { ...headers, etag, 'content-length': String(Buffer.byteLength(text)) }, text };
  };

  const versionOf = async (lab: CreatedLab) => (await request(server.url).get(`/api/labs/${lab.id}/state`).set(bearer(lab.tokens.observer)).expect(200)).body.version;

  it('answers an apply as the controller does, without reaching it', async () => {
    const labs = await twins();
    const { lane, express, laneReachedController } = await both(labs, JSON.stringify(pod('web', { nodeName: 'minikube-m02' })));
    expect(lane.status).toBe(200);
    expect(laneReachedController).toBe(false);
    expect(controllerApply).toHaveBeenCalled();
    expect(answer(lane, labs[0])).toEqual(answer(express, labs[1]));
    expect(lane.headers.etag).toBe(`"${lane.body.version}"`);
    expect(lane.body.events.map((event: { type: string }) => event.type)).toEqual(['PodCreated', 'PodNetworkAttached']);
    expect(lane.body.results).toEqual([expect.objectContaining({ kind: 'Pod', name: 'web', action: 'created' })]);
    expect(await versionOf(labs[0])).toBe(lane.body.version);
  });

  it('answers what goes wrong while the commands run as ProblemFilter does: If-Match mismatch, unknown node, a name taken', async () => {
    const labs = await twins();
    const stale = (lab: CreatedLab) => ({ ...bearer(lab.tokens.student), 'If-Match': `"${lab.version - 1}"` });
    const mismatch = await both(labs, JSON.stringify(pod('a')), stale);
    expect(mismatch.lane.status).toBe(409);
    expect(mismatch.laneReachedController).toBe(false);
    expect(answer(mismatch.lane, labs[0])).toEqual(answer(mismatch.express, labs[1]));
    expect(mismatch.lane.headers['content-type']).toBe('application/problem+json; charset=utf-8');

    const ghost = await both(labs, JSON.stringify(pod('b', { nodeName: 'ghost' })));
    expect(ghost.lane.status).toBe(404);
    expect(answer(ghost.lane, labs[0])).toEqual(answer(ghost.express, labs[1]));

    await both(labs, JSON.stringify(pod('c')));
    const taken = await both(labs, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('d'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { a: 'b' } } }, pod('c')] }));
    expect(answer(taken.lane, labs[0])).toEqual(answer(taken.express, labs[1]));
    expect(await versionOf(labs[0])).toBe(await versionOf(labs[1]));
  });

  it('hands Express what fails before anything runs: malformed JSON, no object, no token, an observer, a bad If-Match, an invalid manifest', async () => {
    const labs = await twins();
    const cases: [string, (lab: CreatedLab) => Record<string, string>, number][] = [
      ['{"kind": "Pod", ', (lab) => bearer(lab.tokens.student), 400],
      ['"a string"', (lab) => bearer(lab.tokens.student), 400],
      ['[]', (lab) => bearer(lab.tokens.student), 400],
      ['{}', (lab) => bearer(lab.tokens.student), 400],
      [JSON.stringify(pod('p')), () => ({}), 401],
      [JSON.stringify(pod('p')), (lab) => bearer(`${lab.tokens.student}x`), 401],
      [JSON.stringify(pod('p')), (lab) => bearer(lab.tokens.observer), 403],
      [JSON.stringify(pod('p')), (lab) => ({ ...bearer(lab.tokens.student), 'If-Match': 'twelve' }), 400],
      [JSON.stringify(pod('Bad_Name')), (lab) => bearer(lab.tokens.student), 422],
      [JSON.stringify({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g' } }), (lab) => bearer(lab.tokens.student), 422],
    ];
    for (const [body, headers, status] of cases) {
      const { lane, express } = await both(labs, body, headers);
      expect({ body, status: lane.status }).toEqual({ body, status });
      expect(answer(lane, labs[0])).toEqual(answer(express, labs[1]));
    }
    expect(await versionOf(labs[0])).toBe(labs[0].version);
  });

  it('leaves an unknown lab and a body larger than the limit to Express', async () => {
    const unknown = await request(server.url).post('/api/labs/nosuchlab/apply').set(bearer('x')).send(pod('p')).expect(404);
    expect(unknown.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    const [lab] = await twins();
    const big = pod('big', { containers: [{ name: 'c', image: 'x'.repeat(70_000) }] });
    const tooLarge = await request(server.url).post(`/api/labs/${lab.id}/apply`).set(bearer(lab.tokens.student)).send(big).expect(413);
    expect(tooLarge.body.detail).toBe('The request body is larger than the server accepts.');
    expect(await versionOf(lab)).toBe(lab.version);
  });
});

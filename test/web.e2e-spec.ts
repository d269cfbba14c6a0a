import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { hopElementId } from '../apps/web/src/topology-model';
import { bearer, startServer, tempDatabase, useTestServer, type TestServer } from './support/test-server';

// Debian's chromium (.ci/run installs it); a missing browser fails the suite rather than skipping it.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, 'artifacts');

interface CreatedLab {
  id: string;
  version: number;
  tokens: Record<'instructor' | 'student' | 'observer', string>;
}

const pod = (name: string, labels: Record<string, string> = {}, nodeName?: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels: ${JSON.stringify(labels)}\nspec:\n${nodeName ? `  nodeName: ${nodeName}\n` : ''}  containers:\n  - name: app\n    image: nginx\n    ports:\n    - containerPort: 80\n`;

/** Whether the topology element has a class (hop-current, hop-dropped...). */
function elementHasClass(page: Page, id: string, className: string): Promise<boolean> {
  return page.evaluate(
    ([wanted, klass]) => {
      const container = document.querySelector('#topology') as HTMLElement & { _cyreg?: { cy: { getElementById(id: string): { hasClass(name: string): boolean } } } };
      return container._cyreg?.cy.getElementById(wanted).hasClass(klass) ?? false;
    },
    [id, className] as const,
  );
}

/** Labels of the topology's elements of one kind, read from the page's cytoscape instance. */
function topologyLabels(page: Page, kind: string): Promise<string[]> {
  return page.evaluate((wanted) => {
    const container = document.querySelector('#topology') as HTMLElement & { _cyreg?: { cy: { nodes(selector: string): { map(fn: (node: { data(key: string): string }) => string): string[] } } } };
    return container._cyreg?.cy.nodes(`[kind = "${wanted}"]`).map((node) => node.data('label')) ?? [];
  }, kind);
}

/** Clicks a topology element where it is drawn: its middle, or just inside its top edge (a group's own area, not a child's). */
async function clickElement(page: Page, id: string, where: 'middle' | 'top' = 'middle'): Promise<void> {
  const point = await page.evaluate(
    ([wanted, spot]) => {
      type Box = { x1: number; x2: number; y1: number; y2: number };
      const container = document.querySelector('#topology') as HTMLElement & { _cyreg?: { cy: { getElementById(id: string): { renderedBoundingBox(options: object): Box } } } };
      // Labels take no clicks: the element's own body.
      const box = container._cyreg!.cy.getElementById(wanted).renderedBoundingBox({ includeLabels: false });
      const frame = container.getBoundingClientRect();
      return { x: frame.left + (box.x1 + box.x2) / 2, y: frame.top + (spot === 'top' ? box.y1 + 3 : (box.y1 + box.y2) / 2) };
    },
    [id, where] as const,
  );
  await page.mouse.click(point.x, point.y);
}

/** Ids of the topology's drawn elements of one kind. */
function topologyIds(page: Page, kind: string): Promise<string[]> {
  return page.evaluate((wanted) => {
    const container = document.querySelector('#topology') as HTMLElement & { _cyreg?: { cy: { nodes(selector: string): { map(fn: (node: { id(): string }) => string): string[] } } } };
    return container._cyreg?.cy.nodes(`[kind = "${wanted}"]`).map((node) => node.id()) ?? [];
  }, kind);
}

// A browser test waits for animations and live updates; on a busy two-core CI machine that can take a while.
jest.setTimeout(90_000);

// The server serves apps/web/dist: build it from the current sources first.
beforeAll(() => {
  execFileSync('npx', ['vite', 'build', 'apps/web', '--logLevel', 'error'], { cwd: join(__dirname, '..'), stdio: 'inherit' });
}, 120_000);

describe('the web client in a browser', () => {
  const database = tempDatabase();
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startServer({ databaseUrl: database.url });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      // playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here).
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    database.cleanup();
  });

  async function newPage(width = 1500): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-US' });
    return context.newPage();
  }

  async function createLab(scenario = 'minikube-flannel'): Promise<CreatedLab> {
    return (await request(server.url).post('/api/labs').send({ name: 'web', scenario }).expect(201)).body as CreatedLab;
  }

  const labUrl = (lab: CreatedLab, role: keyof CreatedLab['tokens'] = 'instructor') => `${server.url}/labs/${lab.id}?token=${lab.tokens[role]}`;

  it('creates a lab from minikube-flannel on the start page and shows its three nodes with eth0 addresses and podCIDRs', async () => {
    const page = await newPage();
    await page.goto(server.url);
    await page.selectOption('select[name="scenario"]', 'minikube-flannel');
    await page.click('#create-form button[type="submit"]');
    await page.waitForSelector('#open-lab');
    expect(await page.locator('#created a[data-role]').count()).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS, 'start-page.png') });
    await page.click('#open-lab');
    await page.waitForURL(/\/labs\/[^/]+\?token=/);
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    expect((await topologyLabels(page, 'node')).sort()).toEqual(['minikube\n10.244.0.0/24', 'minikube-m02\n10.244.1.0/24', 'minikube-m03\n10.244.2.0/24']);
    const devices = await topologyLabels(page, 'device');
    expect(devices).toEqual(expect.arrayContaining(['eth0 192.168.49.2', 'eth0 192.168.49.3', 'eth0 192.168.49.4', 'flannel.1', 'cni0']));
    expect(await topologyLabels(page, 'underlay')).toEqual(['docker network 192.168.49.0/24']);
    await page.screenshot({ path: join(ARTIFACTS, 'lab-view.png') });
    await page.fill('#search', '192.168.49.4');
    expect(await elementHasClass(page, 'dev:minikube-m03:eth0', 'search-hit')).toBe(true);
    expect(await elementHasClass(page, 'dev:minikube-m02:eth0', 'search-hit')).toBe(false);
    await page.fill('#search', '');
    await page.context().close();
  });

  it('groups a 20-node lab: node groups and pod groups open on a click and close again, on a search hit and along a trace', async () => {
    const lab = await createLab();
    const auth = bearer(lab.tokens.student);
    for (let n = 3; n < 20; n++) await request(server.url).post(`/api/labs/${lab.id}/nodes`).set(auth).send({}).expect(201);
    const node = (n: number) => (n === 0 ? 'minikube' : `minikube-m${String(n + 1).padStart(2, '0')}`);
    const manifests = Array.from({ length: 60 }, (_, p) => pod(`web-${p}`, { app: 'web' }, node(p % 20))).join('---\n');
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set(auth).set('content-type', 'application/yaml').send(manifests).expect(200);
    const page = await newPage();
    await page.goto(labUrl(lab, 'student'));
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('20 nodes'));
    expect(await topologyIds(page, 'node-group')).toEqual(['group:0', 'group:1', 'group:2', 'group:3']);
    expect(await topologyIds(page, 'pod')).toEqual([]);
    expect(await topologyLabels(page, 'node-group')).toContain(`minikube-m07 … minikube-m12\n6 nodes · ${6 * 3 + 2 * 6} pods (click to expand)`);
    await page.screenshot({ path: join(ARTIFACTS, 'grouped-collapsed.png') });

    // A click opens the second group: its six nodes, each node's pods in one box; a click on a box shows the pods.
    await clickElement(page, 'group:1');
    await page.waitForFunction(() => document.querySelector('#topology') && (document.querySelector('#topology') as HTMLElement & { _cyreg: { cy: { getElementById(id: string): { nonempty(): boolean } } } })._cyreg.cy.getElementById('node:minikube-m07').nonempty());
    expect((await topologyIds(page, 'node')).sort()).toEqual(['minikube-m07', 'minikube-m08', 'minikube-m09', 'minikube-m10', 'minikube-m11', 'minikube-m12'].map((name) => `node:${name}`));
    expect(await topologyLabels(page, 'pod-group')).toContain('5 pods (click to expand)\nkube-system 1 · kube-flannel 1 · default 3');
    await clickElement(page, 'pods:minikube-m07');
    await page.waitForFunction(() => (document.querySelector('#topology') as HTMLElement & { _cyreg: { cy: { nodes(selector: string): { length: number } } } })._cyreg.cy.nodes('[kind = "pod"]').length === 5);
    expect((await topologyLabels(page, 'pod')).filter((label) => label.startsWith('default/')).map((label) => label.split('\n')[0]).sort()).toEqual(['default/web-26', 'default/web-46', 'default/web-6']);
    await page.screenshot({ path: join(ARTIFACTS, 'grouped-expanded.png') });
    // A click on the group's own frame closes it again.
    await clickElement(page, 'group:1', 'top');
    await page.waitForFunction(() => (document.querySelector('#topology') as HTMLElement & { _cyreg: { cy: { nodes(selector: string): { length: number } } } })._cyreg.cy.nodes('[kind = "node"]').length === 0);

    // A search hit inside a closed group opens it and its node's pods.
    await page.fill('#search', 'web-59');
    await page.waitForFunction(() => (document.querySelector('#topology') as HTMLElement & { _cyreg: { cy: { getElementById(id: string): { nonempty(): boolean } } } })._cyreg.cy.getElementById('pod:default/web-59').nonempty());
    expect(await elementHasClass(page, 'pod:default/web-59', 'search-hit')).toBe(true);
    await page.fill('#search', '');

    // A trace opens the groups it passes through: from minikube-m02 (group 0) to minikube-m15 (group 2).
    await page.selectOption('#speed', '4');
    await page.selectOption('#trace-from', 'default/web-1');
    await page.fill('#trace-to', 'default/web-14');
    await page.click('#trace-run');
    await page.waitForFunction(() => document.querySelector('#trace-verdict')?.textContent?.startsWith('Verdict: delivered'), undefined, { timeout: 20_000 });
    expect(await elementHasClass(page, 'pod:default/web-14', 'hop-visited')).toBe(true);
    expect(await elementHasClass(page, 'pod:default/web-1', 'hop-current')).toBe(true);
    expect(await topologyIds(page, 'node-group')).toEqual(expect.arrayContaining(['group:0', 'group:2']));

    // The toolbar closes every group, and opens them all.
    await page.click('#collapse-all');
    expect(await topologyIds(page, 'node')).toEqual([]);
    await page.click('#expand-all');
    expect(await topologyIds(page, 'pod')).toHaveLength(106);
    expect(await topologyIds(page, 'pod-group')).toEqual([]);
    await page.context().close();
  });

  it('draws the two VMs, their pods on veths and the router of two-vms-router', async () => {
    const lab = await createLab('two-vms-router');
    const page = await newPage();
    await page.goto(labUrl(lab, 'observer'));
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('2 nodes'));
    expect(await topologyLabels(page, 'router')).toEqual(['router\n172.16.100.254']);
    const state = (await request(server.url).get(`/api/labs/${lab.id}/state`).set('Authorization', `Bearer ${lab.tokens.observer}`).expect(200)).body;
    const expected = (state.pods as { namespace: string; name: string; ip: string }[]).filter((p) => p.name.startsWith('pod')).map((p) => `${p.namespace}/${p.name}\n${p.ip}`);
    expect(expected.map((label) => label.split('\n')[1])).toEqual([expect.stringMatching(/^10\.10\.10\./), expect.stringMatching(/^10\.10\.10\./), expect.stringMatching(/^10\.10\.11\./), expect.stringMatching(/^10\.10\.11\./)]);
    const pods = await topologyLabels(page, 'pod');
    expect(pods.filter((label) => label.startsWith('default/pod')).sort()).toEqual(expected.sort());
    await page.screenshot({ path: join(ARTIFACTS, 'two-vms-router.png') });
    await page.context().close();
  });

  it('shows one browser the pod another applied, and drags the timeline back to before it, then back to live', async () => {
    const lab = await createLab();
    const [alice, bob] = [await newPage(), await newPage()];
    await alice.goto(labUrl(lab, 'student'));
    await bob.goto(labUrl(lab, 'observer'));
    for (const page of [alice, bob]) await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    // Presence: each sees both members with their roles.
    for (const page of [alice, bob]) {
      await page.waitForFunction(() => {
        const members = document.querySelector('#members')?.textContent ?? '';
        return members.includes('(student)') && members.includes('(observer)');
      });
      expect(await page.textContent('#live-status')).toContain('live');
    }
    const before = Number(await bob.inputValue('#cursor'));

    await alice.click('[data-tab="apply"]');
    await alice.fill('#manifest', pod('web', { app: 'web' }));
    await alice.click('#apply-run');
    await alice.waitForFunction(() => document.querySelector('#apply-result')?.textContent?.startsWith('Applied'));
    await bob.waitForFunction(async () => document.querySelector('#node-count')?.textContent?.includes(' pods') && document.querySelector('#cursor-label')?.textContent !== '', undefined, { timeout: 10_000 });
    await bob.waitForFunction(() => {
      const container = document.querySelector('#topology') as HTMLElement & { _cyreg?: { cy: { getElementById(id: string): { nonempty(): boolean } } } };
      return container._cyreg?.cy.getElementById('pod:default/web').nonempty();
    }, undefined, { timeout: 10_000 });
    expect((await topologyLabels(bob, 'pod')).find((label) => label.startsWith('default/web'))).toMatch(/^default\/web\n10\.244\.\d+\.\d+\napp=web$/);

    // The cursor on the last event before the apply (a click on its mark): the lab as it was, without the pod.
    await bob.click(`#axis .mark[data-seq="${before}"]`);
    await bob.waitForFunction(() => !document.querySelector<HTMLElement>('#past-banner')?.hidden);
    await bob.waitForFunction(() => !(document.querySelector('#topology') as HTMLElement & { _cyreg?: { cy: { getElementById(id: string): { nonempty(): boolean } } } })._cyreg?.cy.getElementById('pod:default/web').nonempty());
    expect(await bob.textContent('#cursor-label')).toContain(`as of event #${before}`);
    await bob.screenshot({ path: join(ARTIFACTS, 'timeline-past.png') });

    await bob.click('#back-to-live');
    await bob.waitForFunction(() => (document.querySelector('#topology') as HTMLElement & { _cyreg?: { cy: { getElementById(id: string): { nonempty(): boolean } } } })._cyreg?.cy.getElementById('pod:default/web').nonempty());
    expect(await bob.isHidden('#past-banner')).toBe(true);

    // Replay walks the cursor through the history from the first event, one a second, until stopped.
    await bob.click('#replay');
    await bob.waitForFunction(() => document.querySelector('#cursor-label')?.textContent?.startsWith('as of event #2 '));
    await bob.click('#replay');
    expect(await bob.textContent('#cursor-label')).toMatch(/^as of event #\d+ /);
    await bob.click('#back-to-live');
    await alice.context().close();
    await bob.context().close();
  });

  it('places events on a time axis by their simulated time, scrubs the lab by dragging along it, and zooms', async () => {
    const lab = await createLab();
    const auth = bearer(lab.tokens.student);
    const apply = (name: string) => request(server.url).post(`/api/labs/${lab.id}/apply`).set(auth).set('content-type', 'application/yaml').send(pod(name)).expect(200);
    await request(server.url).post(`/api/labs/${lab.id}/clock`).set(auth).send({ speed: 0 }).expect(201);
    await apply('early');
    await request(server.url).post(`/api/labs/${lab.id}/clock`).set(auth).send({ advance: '30s' }).expect(201);
    await apply('mid');
    await request(server.url).post(`/api/labs/${lab.id}/clock`).set(auth).send({ advance: '60s' }).expect(201);
    await apply('late');
    const events = (await request(server.url).get(`/api/labs/${lab.id}/events?limit=1000`).set(auth).expect(200)).body as { seq: number; type: string; time: number; data: { name?: string } }[];
    const created = (name: string) => events.find((event) => event.type === 'PodCreated' && event.data.name === name) as { seq: number; time: number };
    const [early, mid, late] = [created('early'), created('mid'), created('late')];
    expect(mid.time - early.time).toBeGreaterThanOrEqual(30_000);
    expect(late.time - mid.time).toBeGreaterThanOrEqual(60_000);

    const page = await newPage();
    await page.goto(labUrl(lab, 'student'));
    await page.waitForFunction((count) => document.querySelectorAll('#axis .mark.event').length === count, events.length);
    // Ticks and event marks read in one go, from one rendering of the axis (a derived occurrence pushed live redraws it).
    const axisNow = () =>
      page.evaluate((seqs) => {
        const ticks = [...document.querySelectorAll<HTMLElement>('#axis .axis-tick')].map((tick) => ({ label: tick.textContent ?? '', x: tick.getBoundingClientRect().left }));
        const marks = seqs.map((wanted) => {
          const box = document.querySelector<HTMLElement>(`#axis .mark.event[data-seq="${wanted}"]`)!.getBoundingClientRect();
          return box.left + box.width / 2;
        });
        return { ticks, marks };
      }, [early.seq, mid.seq, late.seq]);
    const { ticks: tickPlaces, marks } = await axisNow();
    const ticks = tickPlaces.map((tick) => tick.label);
    expect(ticks).toEqual(expect.arrayContaining(['0:00', '0:30', '1:00', '1:30']));
    // By time, not by index: mid and late sit where the tick labels put their times (most events came before them).
    const tickX = (label: string) => tickPlaces.find((tick) => tick.label === label)!.x;
    const [x30, x90] = [tickX('0:30'), tickX('1:30')];
    const expectedX = (time: number) => x30 + ((time - 30_000) / 60_000) * (x90 - x30);
    const [xEarly, xMid, xLate] = marks;
    const markX = (seq: number) => page.evaluate((wanted) => {
      const mark = document.querySelector<HTMLElement>(`#axis .mark.event[data-seq="${wanted}"]`);
      return mark ? mark.getBoundingClientRect().left + mark.getBoundingClientRect().width / 2 : undefined;
    }, seq);
    expect(Math.abs(xMid - expectedX(mid.time))).toBeLessThan(3);
    expect(Math.abs(xLate - expectedX(late.time))).toBeLessThan(3);
    await page.screenshot({ path: join(ARTIFACTS, 'timeline-axis.png') });

    // Dragging the cursor from the start to between mid and late: the lab as of mid's last event, without late.
    const axis = (await page.locator('#axis').boundingBox()) as { x: number; y: number; width: number; height: number };
    const lastBeforeLate = Math.max(...events.filter((event) => event.time < late.time).map((event) => event.seq));
    await page.mouse.move(xEarly, axis.y + axis.height / 2);
    await page.mouse.down();
    await page.mouse.move((xMid + xLate) / 2, axis.y + axis.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction((seq) => document.querySelector('#cursor-label')?.textContent?.startsWith(`as of event #${seq} `), lastBeforeLate);
    const cy = (id: string) => page.evaluate((wanted) => (document.querySelector('#topology') as HTMLElement & { _cyreg: { cy: { getElementById(id: string): { nonempty(): boolean } } } })._cyreg.cy.getElementById(wanted).nonempty(), id);
    await page.waitForFunction(() => !(document.querySelector('#topology') as HTMLElement & { _cyreg: { cy: { getElementById(id: string): { nonempty(): boolean } } } })._cyreg.cy.getElementById('pod:default/late').nonempty());
    expect(await cy('pod:default/mid')).toBe(true);
    expect(await page.inputValue('#cursor')).toBe(String(lastBeforeLate));
    const cursorX = await page.evaluate(() => document.querySelector('.axis-cursor')!.getBoundingClientRect().left + 1);
    expect(Math.abs(cursorX - ((await markX(lastBeforeLate)) as number))).toBeLessThan(2);

    // Zoomed in around the cursor, seconds apart become wide apart; the whole history again on request.
    await page.click('#zoom-in');
    await page.click('#zoom-in');
    expect(await page.locator('#axis .axis-tick').allTextContents()).not.toEqual(ticks);
    expect(await markX(late.seq)).toBeUndefined();
    await page.mouse.move(axis.x + axis.width / 2, axis.y + axis.height / 2);
    await page.mouse.wheel(0, 300);
    await page.click('#zoom-fit');
    expect(await page.locator('#axis .axis-tick').allTextContents()).toEqual(ticks);
    // Dragged past the last event: live again.
    await page.mouse.click(axis.x + axis.width - 3, axis.y + axis.height / 2);
    await page.waitForFunction(() => document.querySelector('#cursor-label')?.textContent?.startsWith('live'));
    // The lab is read again as it is now: late is back.
    await page.waitForFunction(() => (document.querySelector('#topology') as HTMLElement & { _cyreg: { cy: { getElementById(id: string): { nonempty(): boolean } } } })._cyreg.cy.getElementById('pod:default/late').nonempty());
    await page.context().close();
  });

  it('draws every event of a history longer than one timeline page on the axis, a burst of a thousand squeezed into view', async () => {
    const lab = await createLab();
    const auth = bearer(lab.tokens.student);
    await request(server.url).post(`/api/labs/${lab.id}/clock`).set(auth).send({ speed: 0 }).expect(201);
    let applied = { version: 0 };
    for (const batch of [0, 1, 2, 3, 4]) {
      const manifests = Array.from({ length: 100 }, (_, p) => pod(`many-${batch}-${p}`)).join('---\n');
      applied = (await request(server.url).post(`/api/labs/${lab.id}/apply`).set(auth).set('content-type', 'application/yaml').send(manifests).expect(200)).body as { version: number };
    }
    expect(applied.version).toBeGreaterThan(1000);
    const page = await newPage();
    await page.goto(labUrl(lab, 'observer'));
    await page.waitForFunction((count) => document.querySelectorAll('#axis .mark.event').length === count, applied.version, { timeout: 30_000 });
    expect(await page.getAttribute('#axis .mark.event:last-of-type', 'data-seq')).toBe(String(applied.version));
    expect(await page.textContent('#cursor-label')).toBe(`live (#${applied.version})`);
    await page.context().close();
  });

  it('forks from the cursor into a new lab that has the history up to there', async () => {
    const lab = await createLab();
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set('Authorization', `Bearer ${lab.tokens.student}`).set('content-type', 'application/yaml').send(pod('late')).expect(200);
    const page = await newPage();
    await page.goto(labUrl(lab));
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    await page.locator('#cursor').fill(String(lab.version));
    await page.waitForFunction(() => !document.querySelector<HTMLElement>('#past-banner')?.hidden);
    await page.click('#fork-here');
    await page.waitForURL((url) => url.pathname !== `/labs/${lab.id}`);
    const forkId = new URL(page.url()).pathname.split('/')[2];
    const forkToken = new URL(page.url()).searchParams.get('token') as string;
    const state = (await request(server.url).get(`/api/labs/${forkId}/state`).set('Authorization', `Bearer ${forkToken}`).expect(200)).body;
    expect(state.version).toBe(lab.version);
    expect(state.pods.map((p: { name: string }) => p.name)).not.toContain('late');
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    await page.context().close();
  });

  it('animates a cross-node trace someone else started, hop by hop to the destination pod, with the hop panel and step controls', async () => {
    const lab = await createLab();
    const yaml = `${pod('a', { app: 'a' }, 'minikube-m02')}---\n${pod('b', { app: 'b' }, 'minikube-m03')}`;
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set('Authorization', `Bearer ${lab.tokens.student}`).set('content-type', 'application/yaml').send(yaml).expect(200);
    const page = await newPage();
    await page.goto(labUrl(lab, 'observer'));
    await page.waitForFunction(() => document.querySelector('#members')?.textContent?.includes('(observer)'));
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.includes('14 pods'));
    await page.selectOption('#speed', '4');

    const traced = await request(server.url)
      .post(`/api/labs/${lab.id}/traces`)
      .set('Authorization', `Bearer ${lab.tokens.student}`)
      .send({ from: 'default/a', to: 'default/b', port: 80, protocol: 'TCP', stream: true, pacingMs: 50 })
      .expect(200);
    const result = traced.body as { verdict: string; hops: { index: number; action: string; netns: string; layer: string; summary: string }[] };
    expect(result.verdict).toBe('delivered');
    expect(result.hops.some((hop) => hop.layer === 'encap')).toBe(true);
    expect(result.hops.length).toBeGreaterThan(5);

    await page.waitForFunction(() => document.querySelector('#trace-verdict')?.textContent?.includes('delivered'), undefined, { timeout: 15_000 });
    expect(await page.locator('#hops li.hop').count()).toBe(result.hops.length);
    // The SYN reached b (its deliver hop), and the SYN-ACK came back to a: the last hop.
    const delivered = result.hops.find((hop) => hop.action === 'deliver' && hop.netns === 'pod default/b');
    expect(await page.textContent(`#hops li.hop[data-index="${delivered?.index}"]`)).toContain('nginx listens on TCP port 80');
    expect(await elementHasClass(page, 'pod:default/b', 'hop-visited')).toBe(true);
    expect(await elementHasClass(page, 'dev:minikube-m03:flannel.1', 'hop-visited')).toBe(true);
    expect(await elementHasClass(page, 'pod:default/a', 'hop-current')).toBe(true);
    expect(await page.textContent('#hops li.hop.current')).toContain(result.hops.at(-1)?.summary);
    await page.screenshot({ path: join(ARTIFACTS, 'trace-delivered.png') });

    await page.click('#play-pause');
    await page.click('#step-back');
    expect(await page.getAttribute('#hops li.hop.current', 'data-index')).toBe(String(result.hops.at(-2)?.index));
    expect(await page.textContent('#trace-verdict')).toBe('');
    await page.click('#step-forward');
    expect(await page.textContent('#trace-verdict')).toContain('delivered');
    // A click in the list shows that hop: the SYN arriving at b.
    await page.click(`#hops li.hop[data-index="${delivered?.index}"]`);
    expect(await elementHasClass(page, 'pod:default/b', 'hop-current')).toBe(true);
    expect(await page.locator('#hops li.hop.current table.pdu').textContent()).toContain('flags=SYN');
    await page.context().close();
  });

  it('deny-all applied from the Apply panel on a calico lab drops the next trace where the policy is; before it on the timeline, delivered; the matrix agrees', async () => {
    const lab = (await request(server.url).post('/api/labs').send({ name: 'calico', scenario: 'minikube-flannel', cluster: { cni: { plugin: 'calico' } } }).expect(201)).body as CreatedLab;
    const auth = bearer(lab.tokens.student);
    const yaml = `${pod('a', { app: 'a' }, 'minikube-m02')}---\n${pod('b', { app: 'b' }, 'minikube-m02')}`;
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set(auth).set('content-type', 'application/yaml').send(yaml).expect(200);
    const beforePolicy = (await request(server.url).get(`/api/labs/${lab.id}/state`).set(auth).expect(200)).body.version as number;
    const page = await newPage();
    await page.goto(labUrl(lab, 'student'));
    await page.waitForFunction(() => document.querySelector('#members')?.textContent?.includes('(student)'));
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#trace-from option')).some((option) => option.textContent === 'default/b'));
    await page.selectOption('#speed', '4');
    expect(await topologyLabels(page, 'device')).toEqual(expect.arrayContaining(['tunl0', 'cali*']));
    const runTrace = async () => {
      await page.click('[data-tab="trace"]');
      await page.selectOption('#trace-from', 'default/a');
      await page.fill('#trace-to', 'default/b');
      await page.click('#trace-run');
      await page.waitForFunction(() => document.querySelector('#trace-verdict')?.textContent?.startsWith('Verdict:'), undefined, { timeout: 20_000 });
      return page.textContent('#trace-verdict');
    };
    const matrixCell = async () => {
      await page.click('[data-tab="tables"]');
      await page.click('#matrix-refresh');
      await page.waitForSelector('#matrix table');
      return page.evaluate(() => {
        const table = document.querySelector('#matrix table') as HTMLTableElement;
        const column = Array.from(table.rows[0].cells).findIndex((cell) => cell.textContent === 'default/b');
        const row = Array.from(table.rows).find((line) => line.cells[0].textContent === 'default/a') as HTMLTableRowElement;
        return row.cells[column].textContent;
      });
    };

    await page.click('[data-tab="apply"]');
    await page.fill('#manifest', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes:\n  - Ingress\n');
    await page.click('#apply-run');
    await page.waitForFunction(() => document.querySelector('#apply-result')?.textContent?.startsWith('Applied'));
    expect(await runTrace()).toMatch(/^Verdict: dropped — .*default\/default-deny/);
    expect(await page.textContent('#hops li.hop.current')).toContain('default/default-deny');
    const view = (await request(server.url).get(`/api/labs/${lab.id}/state`).set(auth).expect(200)).body;
    const same = (await request(server.url).post(`/api/labs/${lab.id}/traces`).set(auth).send({ from: 'default/a', to: 'default/b', port: 80, protocol: 'TCP' }).expect(200)).body;
    expect(await elementHasClass(page, hopElementId(same.hops.at(-1), view), 'hop-dropped')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'trace-dropped.png') });
    expect(await matrixCell()).toBe('✗');
    // The NetworkPolicy view lists the policy: every pod of default selected, no ingress allowed; calico enforces it.
    expect(await page.textContent('#policies li[data-policy="default/default-deny"]')).toBe('default/default-deny · selects every pod of its namespaceIngress nothing allowed');
    expect(await page.isVisible('#not-enforced')).toBe(false);

    await page.locator('#cursor').fill(String(beforePolicy));
    await page.waitForFunction(() => !document.querySelector<HTMLElement>('#past-banner')?.hidden);
    expect(await matrixCell()).toBe('✓');
    expect(await runTrace()).toMatch(/^Verdict: delivered/);
    await page.context().close();
  });

  it('runs traces from the trace form through POST /traces: delivered across nodes, refused on a closed port, and as of the timeline cursor', async () => {
    const lab = await createLab();
    const auth = bearer(lab.tokens.student);
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set(auth).set('content-type', 'application/yaml').send(pod('a', { app: 'a' }, 'minikube-m02')).expect(200);
    const beforeB = (await request(server.url).get(`/api/labs/${lab.id}/state`).set(auth).expect(200)).body.version as number;
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set(auth).set('content-type', 'application/yaml').send(pod('b', { app: 'b' }, 'minikube-m03')).expect(200);
    const b = ((await request(server.url).get(`/api/labs/${lab.id}/state`).set(auth).expect(200)).body.pods as { name: string; ip: string }[]).find((p) => p.name === 'b');

    const page = await newPage();
    await page.goto(labUrl(lab, 'student'));
    await page.waitForFunction(() => document.querySelector('#members')?.textContent?.includes('(student)'));
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#trace-from option')).some((option) => option.textContent === 'default/b'));
    await page.selectOption('#speed', '4');
    const runTrace = async (to: string, port: number) => {
      await page.selectOption('#trace-from', 'default/a');
      await page.fill('#trace-to', to);
      await page.fill('input[name="port"]', String(port));
      await page.click('#trace-run');
      await page.waitForFunction(() => document.querySelector('#trace-verdict')?.textContent?.startsWith('Verdict:'), undefined, { timeout: 20_000 });
      return page.textContent('#trace-verdict');
    };

    expect(await runTrace('default/b', 80)).toBe('Verdict: delivered — nginx on default/b accepted TCP/80');
    expect(await elementHasClass(page, 'pod:default/b', 'hop-visited')).toBe(true);
    expect(await runTrace('default/b', 81)).toMatch(/^Verdict: refused/);

    // As of before b existed, the same address leads nowhere: the form sends `at` and shows what the API answers then.
    await page.locator('#cursor').fill(String(beforeB));
    await page.waitForFunction(() => !document.querySelector<HTMLElement>('#past-banner')?.hidden);
    const then = (await request(server.url).post(`/api/labs/${lab.id}/traces`).set(auth).send({ from: 'default/a', to: b?.ip, port: 80, protocol: 'TCP', at: beforeB }).expect(200)).body;
    expect(then.verdict).not.toBe('delivered');
    expect(await runTrace(b?.ip as string, 80)).toBe(`Verdict: ${then.verdict} — ${then.reason}`);
    await page.context().close();
  });

  it('follow-me: the instructor picks an earlier trace and the student\'s panel switches to it', async () => {
    const lab = await createLab();
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set('Authorization', `Bearer ${lab.tokens.student}`).set('content-type', 'application/yaml').send(pod('a', {}, 'minikube-m02')).expect(200);
    const [teacher, student] = [await newPage(), await newPage()];
    await teacher.goto(labUrl(lab, 'instructor'));
    await student.goto(labUrl(lab, 'student'));
    for (const page of [teacher, student]) {
      await page.waitForFunction(() => document.querySelector('#members')?.textContent?.includes('(student)') && document.querySelector('#members')?.textContent?.includes('(instructor)'));
      await page.selectOption('#speed', '4');
    }
    const streamTrace = async (body: Record<string, unknown>) =>
      (await request(server.url).post(`/api/labs/${lab.id}/traces`).set('Authorization', `Bearer ${lab.tokens.observer}`).send({ ...body, stream: true, pacingMs: 0 }).expect(200)).body as { id: string; verdict: string };
    const first = await streamTrace({ from: 'default/a', to: '192.168.49.2', protocol: 'ICMP' });
    const second = await streamTrace({ from: 'default/a', to: '192.168.49.2', port: 9, protocol: 'TCP' });
    expect([first.verdict, second.verdict]).toEqual(['delivered', 'refused']);
    for (const page of [teacher, student]) await page.waitForFunction(() => document.querySelector('#trace-verdict')?.textContent?.includes('refused'), undefined, { timeout: 15_000 });

    await teacher.selectOption('#trace-history', first.id);
    await teacher.click('#follow-me');
    await teacher.waitForFunction(() => document.querySelector('#follow-note')?.textContent?.startsWith('Everyone'));
    await student.waitForFunction(() => document.querySelector('#follow-note')?.textContent?.includes('Following the trace shown by'));
    await student.waitForFunction(() => document.querySelector('#trace-verdict')?.textContent?.includes('delivered'), undefined, { timeout: 15_000 });
    expect(await student.inputValue('#trace-history')).toBe(first.id);

    // Students may not lead: the gateway's refusal is shown.
    await student.click('#follow-me');
    await student.waitForFunction(() => /instructor|forbidden|may not|not allowed/i.test(document.querySelector('#follow-note')?.textContent ?? ''));
    await teacher.context().close();
    await student.context().close();
  });

  it('classroom: the instructor gives two students their forks and opens one; a student is refused', async () => {
    const lab = await createLab();
    const page = await newPage();
    await page.goto(labUrl(lab, 'instructor'));
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    await page.click('[data-tab="classroom"]');
    await page.fill('#students', '2');
    await page.click('#open-classroom');
    await page.waitForFunction(() => document.querySelectorAll('#roster tr').length === 2);
    const studentLink = (await page.getAttribute('#roster tr[data-student="2"] a.student-link', 'href')) as string;
    const fork = studentLink.split('/')[2].split('?')[0];
    expect(fork).not.toBe(lab.id);

    await page.goto(`${server.url}${studentLink}`);
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    await page.click('[data-tab="classroom"]');
    await page.waitForFunction(() => document.querySelector('#classroom-error')?.textContent?.startsWith('403'));
    await page.context().close();
  });

  it('runs kubectl in the terminal and applies deny-all from the lab\'s file store there', async () => {
    const lab = await createLab();
    const auth = bearer(lab.tokens.student);
    const denyAll = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes:\n  - Ingress\n';
    await request(server.url).post(`/api/labs/${lab.id}/files`).set(auth).send({ name: 'deny-all.yaml', content: denyAll }).expect(201);
    // A paused clock keeps kubectl's AGE column the same for both reads.
    await request(server.url).post(`/api/labs/${lab.id}/clock`).set(auth).send({ speed: 0 }).expect(201);
    const expected = (await request(server.url).post(`/api/labs/${lab.id}/exec`).set(auth).send({ command: 'kubectl get pods -A -o wide' }).expect(200)).body.stdout as string;
    const page = await newPage(1920);
    const restExecs: string[] = [];
    page.on('request', (sent) => sent.url().endsWith('/exec') && restExecs.push(sent.url()));
    await page.goto(labUrl(lab, 'student'));
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    await page.click('[data-tab="terminal"]');
    await page.locator('#terminal .xterm-helper-textarea').focus();
    await page.keyboard.type('kubectl get pods -A -o wide');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#terminal .xterm-rows')?.textContent?.includes('NOMINATED NODE'));
    const screen = await page.locator('#terminal .xterm-rows > div').allTextContents();
    // xterm pads rows with spaces (non-breaking in the DOM renderer): compare the lines without trailing blanks.
    const shown = screen.map((row) => row.replace(/\u00a0/g, ' ').trimEnd());
    for (const line of expected.trimEnd().split('\n')) expect(shown).toContain(line.trimEnd());
    await page.screenshot({ path: join(ARTIFACTS, 'terminal.png') });

    await page.keyboard.type('kubectl apply -f deny-all.yaml');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#terminal .xterm-rows')?.textContent?.includes('networkpolicy.networking.k8s.io/default-deny created'));
    await page.waitForSelector('#axis .mark[data-type="NetworkPolicyApplied"]');

    // kubectl get -w keeps running: a pod applied elsewhere shows up as a row; Ctrl-C brings the prompt back.
    await page.keyboard.type('kubectl get pods -w');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#terminal .xterm-rows')?.textContent?.includes('No resources found in default namespace.'));
    const watched = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'watched' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set(auth).send(watched).expect(200);
    await page.waitForFunction(() => /watched\s+1\/1\s+Running/.test((document.querySelector('#terminal .xterm-rows')?.textContent ?? '').replace(/\u00a0/g, ' ')));
    await page.keyboard.press('Control+C');
    await page.waitForFunction(() => document.querySelector('#terminal .xterm-rows')?.textContent?.includes('^C'));

    // minikube ssh moves the terminal into the node: its prompt, its context, its routes.
    await page.keyboard.type('minikube ssh -n minikube-m02');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#terminal .xterm-rows')?.textContent?.includes('docker@minikube-m02:~$'));
    expect(await page.inputValue('#exec-context')).toBe('node/minikube-m02');
    await page.keyboard.type('ip route');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#terminal .xterm-rows')?.textContent?.includes('192.168.49.0/24 dev eth0 proto kernel scope link src 192.168.49.3'));
    // Every line went over socket.io `exec` (the server keeps this client's shell), none over REST.
    expect(restExecs).toEqual([]);

    // A context picked by hand runs over REST with that context.
    await page.selectOption('#exec-context', 'node/minikube-m03');
    await page.locator('#terminal .xterm-helper-textarea').focus();
    await page.keyboard.type('ip route');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#terminal .xterm-rows')?.textContent?.includes('192.168.49.0/24 dev eth0 proto kernel scope link src 192.168.49.4'));
    expect(restExecs).toHaveLength(1);

    // The NetworkPolicy view says flannel keeps the policy without enforcing it.
    await page.click('[data-tab="tables"]');
    expect(await page.textContent('#not-enforced')).toBe('flannel does not enforce NetworkPolicy: these policies are stored but change no traffic.');
    expect(await page.textContent('#policies li[data-policy="default/default-deny"]')).toContain('Ingress nothing allowed');
    await page.context().close();
  });

  it('shows a node\'s routes, neighbours, FDB and the nat table as a KUBE-SERVICES → SVC → SEP tree', async () => {
    const lab = await createLab();
    const page = await newPage();
    await page.goto(labUrl(lab, 'observer'));
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    await page.click('[data-tab="tables"]');
    await page.selectOption('#table-node', 'minikube-m02');
    // minikube-m02's own tables (the first node's were shown before the choice): its eth0 address is the route's source.
    await page.waitForFunction(() => document.querySelector('#node-tables')?.textContent?.includes('192.168.49.0/24 dev eth0 proto kernel scope link src 192.168.49.3'));
    expect(await page.textContent('#node-tables')).toContain('10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink');
    const tables = (await page.textContent('#node-tables')) as string;
    expect(tables).toContain('192.168.49.0/24 dev eth0 proto kernel scope link src 192.168.49.3');
    expect(tables).toMatch(/10\.244\.0\.0 dev flannel\.1 lladdr [0-9a-f:]{17} PERMANENT/);
    expect(tables).toMatch(/dev flannel\.1 dst 192\.168\.49\.4 self permanent/);
    // kube-dns: KUBE-SERVICES jumps to its SVC chain, which jumps to the SEP chain of the coredns pod.
    const dns = page.locator('#node-tables li', { hasText: 'kube-system/kube-dns:dns cluster IP' }).first();
    expect(await dns.locator('> .chain').textContent()).toMatch(/^KUBE-SVC-/);
    expect(await dns.locator('ul .chain').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^KUBE-SEP-/)]));
    // The connectivity matrix: every pod a row and a column; flannel enforces no policy, so all allowed.
    await page.waitForSelector('#matrix table');
    const matrix = await page.evaluate(() => Array.from((document.querySelector('#matrix table') as HTMLTableElement).rows).map((row) => Array.from(row.cells).map((cell) => cell.textContent)));
    const columns = matrix[0].slice(1);
    expect(columns.some((name) => name?.startsWith('kube-system/coredns-'))).toBe(true);
    expect(matrix.slice(1).map((row) => row[0])).toEqual(columns);
    expect(new Set(matrix.slice(1).flatMap((row) => row.slice(1)))).toEqual(new Set(['✓']));
    await page.screenshot({ path: join(ARTIFACTS, 'node-tables.png') });

    // After someone flushes the node's nat table the tree is gone; with the cursor before the flush it is back.
    const beforeFlush = lab.version;
    await request(server.url).post(`/api/labs/${lab.id}/exec`).set(bearer(lab.tokens.student)).send({ command: 'iptables -t nat -F', context: 'node/minikube-m02' }).expect(200);
    await page.click('#tables-refresh');
    await page.waitForFunction(() => !document.querySelector('#node-tables')?.textContent?.includes('KUBE-SVC-'));
    await page.locator('#cursor').fill(String(beforeFlush));
    await page.waitForFunction(() => !document.querySelector<HTMLElement>('#past-banner')?.hidden);
    await page.waitForFunction(() => document.querySelector('#node-tables')?.textContent?.includes('KUBE-SVC-'));
    await page.context().close();
  });

  it('steers the simulated clock from the timeline; an observer is refused', async () => {
    const lab = await createLab();
    const page = await newPage();
    await page.goto(labUrl(lab, 'student'));
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    await page.click('[data-clock="advance"]');
    await page.waitForSelector('#axis .mark[data-type="ClockChanged"]');
    const events = (await request(server.url).get(`/api/labs/${lab.id}/events?limit=1000`).set('Authorization', `Bearer ${lab.tokens.observer}`).expect(200)).body as { type: string; data: Record<string, unknown> }[];
    expect(events.at(-1)?.type).toBe('ClockChanged');
    // The speed picker runs the clock ten times faster.
    await page.selectOption('#clock-speed', '10');
    await page.waitForFunction(() => document.querySelectorAll('#axis .mark[data-type="ClockChanged"]').length === 2);
    const latest = (await request(server.url).get(`/api/labs/${lab.id}/events?limit=1000`).set('Authorization', `Bearer ${lab.tokens.observer}`).expect(200)).body as { type: string; data: { speed?: number } }[];
    expect(latest.at(-1)).toMatchObject({ type: 'ClockChanged', data: { speed: 10 } });
    // Paused again: the axis holds each derived occurrence once, those pushed live and those read with the events alike.
    await page.click('[data-clock="pause"]');
    await page.waitForFunction(() => document.querySelectorAll('#axis .mark[data-type="ClockChanged"]').length === 3);
    const timeline = (await request(server.url).get(`/api/labs/${lab.id}/timeline`).set('Authorization', `Bearer ${lab.tokens.observer}`).expect(200)).body as { kind: string }[];
    const derived = timeline.filter((entry) => entry.kind === 'derived').length;
    expect(derived).toBeGreaterThan(3);
    await page.waitForFunction((count) => document.querySelectorAll('#axis .mark.derived').length === count, derived);

    await page.goto(labUrl(lab, 'observer'));
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    await page.click('[data-clock="pause"]');
    await page.waitForFunction(() => document.querySelector('#clock-error')?.textContent?.startsWith('403'));
    await page.context().close();
  });

  it('speaks Russian when asked, hop explanations too, and shows an API problem instead of a lab for a bad token', async () => {
    const lab = await createLab();
    const yaml = `${pod('a', { app: 'a' }, 'minikube-m02')}---\n${pod('b', { app: 'b' }, 'minikube-m03')}`;
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set(bearer(lab.tokens.student)).set('content-type', 'application/yaml').send(yaml).expect(200);
    const page = await newPage();
    await page.goto(labUrl(lab));
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent?.startsWith('3 nodes'));
    // The lab page reloads in the other language.
    await Promise.all([page.waitForEvent('load'), page.click('#language')]);
    await page.waitForFunction(() => document.documentElement?.lang === 'ru');
    expect(await page.textContent('[data-tab="trace"]')).toBe('Трассировка');
    expect(await page.textContent('#back-to-live')).toBe('К текущему моменту');
    expect(await page.getAttribute('#search', 'placeholder')).toBe('под, узел, IP, метка');
    await page.waitForFunction(() => document.querySelector('#node-count')?.textContent === '3 узла · 14 подов · 2 сервиса');
    // A cross-node trace explained hop by hop in Russian, the English sentence kept as the hop's tooltip.
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#trace-from option')).some((option) => option.textContent === 'default/b'));
    await page.selectOption('#speed', '4');
    await page.selectOption('#trace-from', 'default/a');
    await page.fill('#trace-to', 'default/b');
    await page.click('#trace-run');
    await page.waitForFunction(() => document.querySelector('#trace-verdict')?.textContent?.startsWith('Итог:'), undefined, { timeout: 20_000 });
    expect(await page.textContent('#trace-verdict')).toBe('Итог: доставлен — nginx (default/b) принимает TCP/80');
    expect(await page.locator('#trace-history option').allTextContents()).toEqual(['#1 pod default/a доставлен']);
    const summaries = await page.locator('#hops li.hop .summary').evaluateAll((items) => items.map((item) => ({ lang: item.getAttribute('lang'), text: item.textContent, english: item.getAttribute('title') })));
    expect(summaries.length).toBeGreaterThan(10);
    expect(summaries.filter((summary) => summary.lang !== 'ru')).toEqual([]);
    expect(summaries.map((summary) => summary.text)).toEqual(expect.arrayContaining([expect.stringMatching(/^Поиск маршрута для 10\.244\.2\.\d+: /), expect.stringMatching(/^flannel\.1 упаковывает весь кадр в VXLAN \(VNI 1\)/)]));
    expect(summaries.find((summary) => summary.text?.startsWith('ARP-запрос'))?.english).toMatch(/^ARP who-has /);
    await page.screenshot({ path: join(ARTIFACTS, 'trace-russian.png') });
    // The choice is kept: the start page opens in Russian too, and switches back.
    await page.goto(server.url);
    expect(await page.textContent('#create-form h2')).toBe('Создать лабораторию');
    await page.click('#language');
    expect(await page.textContent('#create-form h2')).toBe('Create a lab');
    await page.click('#language');
    await page.goto(`${server.url}/labs/${lab.id}?token=wrong`);
    await page.waitForFunction(() => document.querySelector('#page-error')?.textContent?.includes('401'));
    await page.context().close();
  });
});

describe('serving the web client', () => {
  const server = useTestServer();

  it('reads a node\'s tables as of an event: GET /api/labs/:lab/nodes/:node/tables?at=', async () => {
    const lab = (await request(server.url).post('/api/labs').send({ name: 'tables', scenario: 'minikube-flannel' }).expect(201)).body as CreatedLab;
    const auth = bearer(lab.tokens.observer);
    const tables = async (query = '') => (await request(server.url).get(`/api/labs/${lab.id}/nodes/minikube-m02/tables${query}`).set(auth).expect(200)).body as { version: number; node: string; tables: { command: string; stdout: string }[] };
    const now = await tables();
    expect(now.tables.map((table) => table.command)).toEqual(['ip route', 'ip neigh', 'bridge fdb show', 'iptables -t nat -S']);
    const shell = (await request(server.url).post(`/api/labs/${lab.id}/exec`).set(auth).send({ command: 'ip route', context: 'node/minikube-m02' }).expect(200)).body.stdout;
    expect(now.tables[0].stdout).toBe(shell);
    expect(now.tables[3].stdout).toContain('-A KUBE-SERVICES');
    await request(server.url).post(`/api/labs/${lab.id}/exec`).set(bearer(lab.tokens.student)).send({ command: 'iptables -t nat -F', context: 'node/minikube-m02' }).expect(200);
    const flushed = await tables();
    expect(flushed.version).toBe(lab.version + 1);
    expect(flushed.tables[3].stdout).not.toContain('-A KUBE-SERVICES');
    const then = await tables(`?at=${lab.version}`);
    expect(then).toEqual({ ...now, version: lab.version });

    await request(server.url).get(`/api/labs/${lab.id}/nodes/minikube-m09/tables`).set(auth).expect(404);
    await request(server.url).get(`/api/labs/${lab.id}/nodes/minikube-m02/tables?at=x`).set(auth).expect(400);
    await request(server.url).get(`/api/labs/${lab.id}/nodes/minikube-m02/tables?at=999`).set(auth).expect(422);
    await request(server.url).get(`/api/labs/${lab.id}/nodes/minikube-m02/tables`).expect(401);
    const docs = (await request(server.url).get('/api/docs-json').expect(200)).body;
    expect(docs.paths['/api/labs/{lab}/nodes/{node}/tables'].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(expect.arrayContaining(['node', 'at']));
  });

  it('answers / and /labs/:id with the client, and leaves /api to the server', async () => {
    const root = await request(server.url).get('/').expect(200);
    expect(root.text).toContain('<div id="app">');
    const lab = await request(server.url).get('/labs/some-lab').query({ token: 'x' }).expect(200);
    expect(lab.text).toBe(root.text);
    await request(server.url).get('/api/labs/unknown/state').expect(401);
    const missing = await request(server.url).get('/api/nothing-here').expect(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    await request(server.url).get('/labs/a/b').expect(404);
  });
});

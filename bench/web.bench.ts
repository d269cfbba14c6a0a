// The web client at classroom scale (issue 11: "usable at 50 nodes/500 pods"): a lab of 50 nodes and 500 pods served
// to headless Chromium. Measured from the test process: how long the lab page takes to show the topology (grouped:
// nine collapsed rows of six nodes), how long one redraw takes when a pod is added (event → GET /state → layout →
// cytoscape diff) with one group open, how long a click takes to open a group, and a redraw with every group and
// every node's pods open (all ~2,100 elements drawn).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { startServer, tempDatabase } from '../test/support/test-server';

const NODES = 50;
const PODS = 500;
const REDRAWS = 5;

type Cy = { cy: { elements(): { length: number }; getElementById(id: string): { nonempty(): boolean; data(key: string): string; renderedBoundingBox(options: object): { x1: number; x2: number; y1: number; y2: number } }; nodes(selector: string): { length: number } } };
const cyOf = () => (document.querySelector('#topology') as HTMLElement & { _cyreg: Cy })._cyreg.cy;

const pod = (name: string, node: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  labels: { app: ${name.replace(/-\d+$/, '')} }\nspec:\n  nodeName: ${node}\n  containers:\n  - name: app\n    image: nginx\n`;

async function post(url: string, token: string, body: string, type = 'application/json'): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${token}` }, body });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
}

export async function run(): Promise<Record<string, unknown>> {
  execFileSync('npx', ['vite', 'build', 'apps/web', '--logLevel', 'error'], { cwd: join(__dirname, '..'), stdio: 'inherit' });
  const database = tempDatabase();
  const server = await startServer({ databaseUrl: database.url, bodyLimit: '10mb' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const created = await fetch(`${server.url}/api/labs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'scale', scenario: 'minikube-flannel' }) });
    const lab = (await created.json()) as { id: string; tokens: { student: string } };
    const token = lab.tokens.student;
    for (let n = 3; n < NODES; n++) await post(`${server.url}/api/labs/${lab.id}/nodes`, token, '{}');
    const nodes = ['minikube', ...Array.from({ length: NODES - 1 }, (_, n) => `minikube-m${String(n + 2).padStart(2, '0')}`)];
    const manifests = Array.from({ length: PODS }, (_, p) => pod(`web-${p}`, nodes[p % NODES])).join('---\n');
    await post(`${server.url}/api/labs/${lab.id}/apply`, token, manifests, 'application/yaml');

    const page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
    const opened = performance.now();
    await page.goto(`${server.url}/labs/${lab.id}?token=${token}`);
    await page.waitForFunction((count) => document.querySelector('#node-count')?.textContent?.startsWith(`${count} nodes`), NODES, { timeout: 120_000 });
    const firstRender = performance.now() - opened;
    const drawn = () => page.evaluate(`(${cyOf})().elements().length`) as Promise<number>;
    const collapsedElements = await drawn();

    // Open the second group (minikube-m07 … m12) with a click where it is drawn.
    const point = (await page.evaluate(`(() => { const box = (${cyOf})().getElementById('group:1').renderedBoundingBox({ includeLabels: false }); const frame = document.querySelector('#topology').getBoundingClientRect(); return { x: frame.left + (box.x1 + box.x2) / 2, y: frame.top + (box.y1 + box.y2) / 2 }; })()`)) as { x: number; y: number };
    const clicked = performance.now();
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction(`(${cyOf})().getElementById('node:minikube-m07').nonempty()`);
    const expandGroup = performance.now() - clicked;

    // A pod added on minikube-m07: its pod box counts one more.
    const redraws: number[] = [];
    for (let i = 0; i < REDRAWS; i++) {
      const before = performance.now();
      const label = await page.evaluate(`(${cyOf})().getElementById('pods:minikube-m07').data('label')`);
      await post(`${server.url}/api/labs/${lab.id}/apply`, token, pod(`late-${i}`, 'minikube-m07'), 'application/yaml');
      await page.waitForFunction(`(${cyOf})().getElementById('pods:minikube-m07').data('label') !== ${JSON.stringify(label)}`, undefined, { timeout: 60_000 });
      redraws.push(performance.now() - before);
    }
    redraws.sort((a, b) => a - b);

    // Everything open: the topology's "Open all groups".
    const opening = performance.now();
    await page.click('#expand-all');
    await page.waitForFunction(`(${cyOf})().nodes('[kind = "pod"]').length >= ${PODS}`, undefined, { timeout: 120_000 });
    const expandAll = performance.now() - opening;
    const allElements = await drawn();
    const before = performance.now();
    await post(`${server.url}/api/labs/${lab.id}/apply`, token, pod('late-all', nodes[1]), 'application/yaml');
    await page.waitForFunction(`(${cyOf})().getElementById('pod:default/late-all').nonempty()`, undefined, { timeout: 60_000 });
    const redrawAllOpen = performance.now() - before;
    return {
      nodes: NODES,
      userPods: PODS,
      firstRenderMs: Math.round(firstRender),
      drawnElements: { collapsed: collapsedElements, allOpen: allElements },
      expandGroupMs: Math.round(expandGroup),
      changeToRedrawMs: { median: Math.round(redraws[Math.floor(REDRAWS / 2)]), max: Math.round(redraws[REDRAWS - 1]) },
      allOpen: { expandMs: Math.round(expandAll), changeToRedrawMs: Math.round(redrawAllOpen) },
    };
  } finally {
    await browser.close();
    await server.app.close();
    database.cleanup();
  }
}

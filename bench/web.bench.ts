// The web client at classroom scale (issue 11: "usable at 50 nodes/500 pods"): a lab of 50 nodes and 500 pods served
// to headless Chromium; how long the lab page takes to show the whole topology, and how long one redraw takes when a
// pod is added (event → GET /state → cytoscape rebuilt), measured in the page.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { startServer, tempDatabase } from '../test/support/test-server';

const NODES = 50;
const PODS = 500;
const REDRAWS = 5;

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
    const elements = await page.evaluate(() => (document.querySelector('#topology') as HTMLElement & { _cyreg: { cy: { elements(): { length: number } } } })._cyreg.cy.elements().length);

    const redraws: number[] = [];
    for (let i = 0; i < REDRAWS; i++) {
      const before = performance.now();
      await post(`${server.url}/api/labs/${lab.id}/apply`, token, pod(`late-${i}`, nodes[i]), 'application/yaml');
      await page.waitForFunction((id) => (document.querySelector('#topology') as HTMLElement & { _cyreg: { cy: { getElementById(id: string): { nonempty(): boolean } } } })._cyreg.cy.getElementById(id).nonempty(), `pod:default/late-${i}`, { timeout: 60_000 });
      redraws.push(performance.now() - before);
    }
    redraws.sort((a, b) => a - b);
    return {
      nodes: NODES,
      userPods: PODS,
      topologyElements: elements,
      firstRenderMs: Math.round(firstRender),
      changeToRedrawMs: { median: Math.round(redraws[Math.floor(REDRAWS / 2)]), max: Math.round(redraws[REDRAWS - 1]) },
    };
  } finally {
    await browser.close();
    await server.app.close();
    database.cleanup();
  }
}

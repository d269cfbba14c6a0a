import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import type { CreatedLab } from './support/lab-sockets';
import { createLab, useTestServer } from './support/test-server';

const BIN = join(__dirname, '..', 'apps', 'cli', 'bin', 'hoplab.js');
// Each CLI starts a Node process that compiles its sources through swc: allow for a loaded machine.
jest.setTimeout(60_000);
const children: ChildProcessWithoutNullStreams[] = [];

/** The CLI as a child process with piped stdin/stdout, and a way to wait for what it prints. */
class Cli {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number>;

  constructor(args: string[], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    children.push(this.child);
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code ?? -1)));
  }

  /** Resolves once stdout (after `from`) contains `text`; the test's own timeout bounds the wait. */
  async waitFor(text: string | RegExp, from = 0): Promise<number> {
    for (;;) {
      const tail = this.stdout.slice(from);
      const at = typeof text === 'string' ? tail.indexOf(text) : tail.search(text);
      if (at >= 0) return from + at + (typeof text === 'string' ? text.length : 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  type(line: string): void {
    this.child.stdin.write(line);
  }
}

describe('hoplab CLI', () => {
  // Declared before useTestServer, so the children go before the server closes.
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill();
  });
  const server = useTestServer();

  const create = (scenario: string) => createLab(server.url, { name: 'cli', scenario });
  const labUrl = (lab: CreatedLab) => `${server.url}/labs/${lab.id}`;
  /** `hoplab shell` on a fresh minikube-flannel lab as `role` (a terminal if env says HOPLAB_TTY), once its first prompt is out. */
  const shellOnNewLab = async (role: 'student' | 'observer', env?: Record<string, string>) => {
    const lab = await create('minikube-flannel');
    const cli = new Cli(['shell', labUrl(lab), '--token', lab.tokens[role]], env);
    await cli.waitFor('$ ');
    return { lab, cli };
  };
  /** Another user of the lab (its instructor, over REST) creates pod web. */
  const instructorCreatesWeb = async (lab: CreatedLab) => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
    await request(server.url).post(`/api/labs/${lab.id}/apply`).set('Authorization', `Bearer ${lab.tokens.instructor}`).send(pod).expect(200);
  };

  it('shell: prompts as the context does, runs lines, shows others’ events between prompts, exits on the workstation', async () => {
    const { lab, cli } = await shellOnNewLab('student');
    cli.type('kubectl get nodes | grep m03\n');
    let at = await cli.waitFor(/minikube-m03 +Ready/);
    cli.type('docker exec -it minikube-m02 bash\n');
    at = await cli.waitFor('root@minikube-m02:/# ', at);
    cli.type('cat /run/flannel/subnet.env\n');
    at = await cli.waitFor('FLANNEL_SUBNET=10.244.1.1/24', at);

    await instructorCreatesWeb(lab);
    at = await cli.waitFor(/\[event #\d+\] PodCreated default\/web \(instructor\)/, at);
    await cli.waitFor('root@minikube-m02:/# ', at);

    cli.type('exit\n');
    at = await cli.waitFor('\n$ ', at);
    cli.type('kubectl run db --image postgres\n');
    at = await cli.waitFor('pod/db created', at);
    cli.type('exit\n');
    expect(await cli.exited).toBe(0);
    // The student's own change is answered by its output, not echoed as a notification.
    expect(cli.stdout).not.toMatch(/PodCreated default\/db/);
  });

  it('shell: Ctrl-C drops the typed line, ↑ recalls the history', async () => {
    const { cli } = await shellOnNewLab('observer', { HOPLAB_TTY: '1' });
    cli.type('minikube node list\r');
    let at = await cli.waitFor('minikube-m03\t192.168.49.4');
    cli.type('kubectl delete pod everything');
    cli.type('\x03');
    at = await cli.waitFor('^C', at);
    cli.type('\x1b[A\r');
    at = await cli.waitFor('minikube-m03\t192.168.49.4', at);
    expect(cli.stdout).not.toContain('pods "everything" not found');
    cli.type('\x04');
    expect(await cli.exited).toBe(0);
  });

  it('shell: kubectl get -w streams a row per change until Ctrl-C, then the prompt comes back', async () => {
    const { lab, cli } = await shellOnNewLab('student', { HOPLAB_TTY: '1' });
    cli.type('kubectl get pods -w\r');
    let at = await cli.waitFor('No resources found in default namespace.');
    await instructorCreatesWeb(lab);
    at = await cli.waitFor(/NAME +READY +STATUS +RESTARTS +AGE\r?\nweb +1\/1 +Running +0 +\S+\r?\n/, at);
    cli.type('\x03');
    at = await cli.waitFor('^C', at);
    at = await cli.waitFor('$ ', at);
    cli.type('kubectl get pods -o name\r');
    await cli.waitFor('pod/web', at);
    cli.type('\x04');
    expect(await cli.exited).toBe(0);
  });

  it('trace: streams the hops with a progress bar, then the verdict', async () => {
    const lab = await create('two-vms-router');
    const cli = new Cli(['trace', labUrl(lab), '--token', lab.tokens.student, '--from', 'default/pod1', '--to', 'default/pod4', '--port', '80', '--pacing', '5']);
    expect(await cli.exited).toBe(0);
    const total = /\((\d+) hops\)/.exec(cli.stdout)![1];
    expect(cli.stdout).toContain(`tracing default/pod1 → default/pod4:80/TCP (${total} hops)`);
    expect(cli.stdout).toContain(`[####################] ${total}/${total} hops`);
    expect(cli.stdout).toMatch(/\[hop [0-9a-f]{8} #0\] vm1 pod default\/pod1 eth0/);
    expect(cli.stdout).toMatch(/\[trace [0-9a-f]{8}\] delivered: /);
  });

  it('trace: a dropped verdict exits with 1', async () => {
    const lab = await create('calico-netpol');
    const cli = new Cli(['trace', `${server.url}/api/labs/${lab.id}?token=${lab.tokens.observer}`, '--from', 'default/db', '--to', 'default/app', '--port', '80', '--pacing', '0']);
    expect(await cli.exited).toBe(1);
    expect(cli.stdout).toMatch(/\[trace [0-9a-f]{8}\] (dropped|unreachable): /);
  });

  it('watch: prints what happens in the lab until interrupted', async () => {
    const lab = await create('minikube-flannel');
    const cli = new Cli(['watch', labUrl(lab), '--token', lab.tokens.observer]);
    await cli.waitFor('watching the lab');
    await request(server.url).post(`/api/labs/${lab.id}/files`).set('Authorization', `Bearer ${lab.tokens.instructor}`).send({ name: 'a.txt', content: 'x' }).expect(201);
    await cli.waitFor(/\[event #\d+\] FileStored a\.txt \(instructor\)/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('refuses a bad token and bad arguments', async () => {
    const lab = await create('minikube-flannel');
    const refused = new Cli(['shell', labUrl(lab), '--token', 'wrong']);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr).toContain(`hoplab: The token is not valid for lab ${lab.id}.`);
    const usage = new Cli(['shell', 'not-a-url', '--token', 't']);
    expect(await usage.exited).toBe(2);
    expect(usage.stderr).toContain('hoplab: "not-a-url" is not a URL');
  });
});

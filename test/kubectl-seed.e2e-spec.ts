import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import WebSocket from 'ws';
import type { CreatedLab } from './support/lab-sockets';
import { runKubectl, useKubectlHome, type KubectlRun } from './support/real-kubectl';
import { createLab, useTestServer } from './support/test-server';

const denyAll = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes:\n  - Ingress\n';
const allow =
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: postgres-allow\nspec:\n  podSelector:\n    matchLabels:\n      app: database\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: app\n    ports:\n    - protocol: TCP\n      port: 5432\n';

/**
 * The seed lab's commands through the real kubectl (v1.32) against a lab's Kubernetes API, each
 * compared with what the lab shell's own `kubectl` prints for the same command on the same state
 * (clocks paused, so ages agree).
 */
/**
 * kubectl describe prints a ConfigMap's Data entries in Go map order, which changes from run to run; put them in key
 * order so the two outputs compare entry for entry. Other outputs pass through unchanged.
 */
function dataInKeyOrder(text: string): string {
  const match = /\nData\n====\n([\s\S]*?)\n\nBinaryData\n/.exec(text);
  if (!match) return text;
  const entries = match[1].split(/\n(?=\S+:\n----\n)/).sort();
  return text.replace(match[1], entries.join('\n'));
}

describe('the seed commands: real kubectl and the lab shell agree', () => {
  const server = useTestServer();
  const home = useKubectlHome();

  const request = (lab: CreatedLab, path: string, body?: unknown) =>
    fetch(`${server.url}/api/labs/${lab.id}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${lab.tokens.student}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const shell = async (lab: CreatedLab, command: string, context?: string): Promise<KubectlRun> => {
    const response = await request(lab, '/exec', context ? { command, context } : { command });
    expect(response.status).toBe(200);
    const out = await response.json();
    return { rc: out.exitCode, stdout: out.stdout, stderr: out.stderr };
  };
  const pauseClock = async (lab: CreatedLab) => expect((await request(lab, '/clock', { speed: 0 })).status).toBeLessThan(300);
  const kubeconfigOf = async (lab: CreatedLab) => {
    const path = join(home, `${lab.id}.kubeconfig`);
    writeFileSync(path, await (await request(lab, '/kubeconfig')).text());
    return path;
  };
  const kubectl = (kubeconfig: string, args: string[], input?: string): Promise<KubectlRun> => runKubectl(home, kubeconfig, args, input);

  describe('minikube with flannel', () => {
    let lab: CreatedLab;
    let kubeconfig: string;
    beforeAll(async () => {
      lab = await createLab(server.url, { name: 'seed', scenario: 'minikube-flannel' });
      await pauseClock(lab);
      kubeconfig = await kubeconfigOf(lab);
    });

    it.each([
      ['get nodes'],
      ['get nodes -o wide'],
      ['get pods -A -o wide'],
      ['get ds -A'],
      ['describe configmaps kube-flannel-cfg -n kube-flannel'],
      ['get po -o wide'],
      ['get pods -n kube-system --show-labels'],
    ])('kubectl %s', async (command) => {
      const real = await kubectl(kubeconfig, command.split(' '));
      const lab_ = await shell(lab, `kubectl ${command}`);
      expect(dataInKeyOrder(real.stdout)).toBe(dataInKeyOrder(lab_.stdout));
      expect(real.stderr).toBe(lab_.stderr);
      expect(real.rc).toBe(lab_.rc);
    });
  });

  describe('NetworkPolicy on calico: the same steps on two twin labs, one through the API, one through the shell', () => {
    let api: CreatedLab;
    let twin: CreatedLab;
    let kubeconfig: string;
    let dbIp: string;
    const files: Record<string, string> = {};
    /** The command through real kubectl on one lab and through the shell on its twin: same output, same exit code. */
    const both = async (args: string[], line = `kubectl ${args.join(' ')}`) => {
      const real = await kubectl(kubeconfig, args.map((a) => files[a] ?? a));
      const lab_ = await shell(twin, line);
      expect({ stdout: real.stdout, stderr: real.stderr, rc: real.rc }).toEqual(lab_);
      return real;
    };

    beforeAll(async () => {
      [api, twin] = [await createLab(server.url, { name: 'netpol', cluster: { cni: { plugin: 'calico' } } }), await createLab(server.url, { name: 'netpol', cluster: { cni: { plugin: 'calico' } } })];
      for (const lab of [api, twin]) {
        expect((await shell(lab, 'minikube start --cni calico')).rc).toBe(0);
        await pauseClock(lab);
        for (const [name, content] of [['deny-all.yaml', denyAll], ['allow.yaml', allow]]) expect((await request(lab, '/files', { name, content })).status).toBe(201);
      }
      for (const [name, content] of [['deny-all.yaml', denyAll], ['allow.yaml', allow]]) {
        files[name] = join(home, name);
        writeFileSync(files[name], content);
      }
      kubeconfig = await kubeconfigOf(api);
    });

    it('apply -f deny-all.yaml, run app and db, get po -o wide', async () => {
      expect((await both(['apply', '-f', 'deny-all.yaml'])).stdout).toBe('networkpolicy.networking.k8s.io/default-deny created\n');
      await both(['run', 'app', '--image', 'nicolaka/netshoot', '--labels=app=app', '--', '/bin/bash', '-c', 'sleep 3600'], 'kubectl run app --image nicolaka/netshoot --labels="app=app" -- /bin/bash -c "sleep 3600"');
      await both(['run', 'db', '--image', 'postgres', '--labels=app=database', '--env=POSTGRES_PASSWORD=123'], 'kubectl run db --image postgres --labels="app=database" --env="POSTGRES_PASSWORD=123"');
      const wide = await both(['get', 'po', '-o', 'wide']);
      dbIp = wide.stdout.trimEnd().split('\n')[2].split(/\s+/)[5];
      expect(dbIp).toMatch(/^10\.244\.\d+\.\d+$/);
      await both(['get', 'netpol']);
    });

    it('exec app -- telnet <db ip> 5432 times out under deny-all (exit code 1 from the status channel)', async () => {
      const run = await both(['exec', 'app', '--', 'telnet', dbIp, '5432']);
      expect(run).toEqual({ rc: 1, stdout: `Trying ${dbIp}...\n`, stderr: 'telnet: Unable to connect to remote host: Connection timed out\ncommand terminated with exit code 1\n' });
    });

    it('after apply -f allow.yaml the same telnet connects; re-applying prints unchanged', async () => {
      expect((await both(['apply', '-f', 'allow.yaml'])).stdout).toBe('networkpolicy.networking.k8s.io/postgres-allow created\n');
      const run = await both(['exec', 'app', '--', 'telnet', dbIp, '5432']);
      expect(run).toMatchObject({ rc: 0, stdout: `Trying ${dbIp}...\nConnected to ${dbIp}.\nEscape character is '^]'.\n` });
      expect(await kubectl(kubeconfig, ['apply', '-f', files['allow.yaml']])).toMatchObject({ rc: 0, stdout: 'networkpolicy.networking.k8s.io/postgres-allow unchanged\n' });
      await both(['exec', 'app', '--', '/bin/bash', '-c', `telnet ${dbIp} 5432 | head -1`], `kubectl exec app -- /bin/bash -c "telnet ${dbIp} 5432 | head -1"`);
    });

    it('exec -i app -- bash reads the commands from piped stdin', async () => {
      const run = await kubectl(kubeconfig, ['exec', '-i', 'app', '--', 'bash'], `hostname\ntelnet ${dbIp} 5432\n`);
      expect(run).toEqual({ rc: 0, stdout: `app\nTrying ${dbIp}...\nConnected to ${dbIp}.\nEscape character is '^]'.\n`, stderr: '' });
    });

    it('exec -it app -- bash over the websocket: prompt, echo, the shell answering in CRLF, exit', async () => {
      const server_ = (parseYaml(await (await request(api, '/kubeconfig')).text()) as { clusters: { cluster: { server: string } }[] }).clusters[0].cluster.server;
      const url = `${server_.replace(/^http/, 'ws')}/api/v1/namespaces/default/pods/app/exec?command=bash&container=app&stdin=true&stdout=true&tty=true`;
      const ws = new WebSocket(url, ['v5.channel.k8s.io']);
      const frames: [number, string][] = [];
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      ws.on('message', (data: Buffer) => frames.push([data[0], data.subarray(1).toString()]));
      await new Promise((resolve) => ws.on('open', resolve));
      const send = (channel: number, text: string) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(text)]));
      send(4, '{"Width":80,"Height":24}\n');
      send(0, `telnet ${dbIp} 5432\r`);
      send(0, 'exit\r');
      expect(await closed).toBe(1000);
      const stdout = frames.filter(([c]) => c === 1).map(([, t]) => t).join('');
      expect(stdout).toBe(`app:~# telnet ${dbIp} 5432\r\nTrying ${dbIp}...\r\nConnected to ${dbIp}.\r\nEscape character is '^]'.\r\napp:~# exit\r\nexit\r\n`);
      expect(JSON.parse(frames.find(([c]) => c === 3)![1])).toEqual({ metadata: {}, status: 'Success' });
    });
  });
});

import request from 'supertest';
import { seedBlock } from '../libs/simulator/src/views/golden/golden-text';
import { createLab, useTestServer } from './support/test-server';

/**
 * The seed notes (/work/shared/seeds), replayed command by command through POST /exec on a real
 * server. Where a seed shows output it is compared character for character; only what is random
 * or time-dependent in reality is normalised: MAC addresses and AGE cells.
 */

interface CreatedLab {
  id: string;
  tokens: Record<'instructor' | 'student' | 'observer', string>;
}

interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  version: number;
  events: { type: string }[];
  context: string;
  prompt: string;
}

const macs = /\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b/g;
const normaliseMacs = (text: string) => text.replace(macs, (mac) => (mac === 'ff:ff:ff:ff:ff:ff' ? mac : 'MAC'));
/** A kubectl table's cells (columns are 3+ spaces apart) with AGE cells ("36s", "5m", "2d3h") as AGE: their width varies. */
const normaliseAges = (text: string) =>
  text
    .split('\n')
    .map((line) => line.split(/ {3,}/).map((cell) => (/^\d+[smhd](\d+[smh])?$/.test(cell) ? 'AGE' : cell)).join(' | '))
    .join('\n');

const denyAll = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {}
  policyTypes:
  - Ingress
`;

const allow = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: postgres-allow
spec:
  podSelector:
    matchLabels:
      app: database
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: app
    ports:
    - port: 5432
`;

describe('the seed labs, command for command', () => {
  const server = useTestServer({ bodyLimit: '1mb' });

  const api = () => request(server.url);
  const auth = (lab: CreatedLab, role: keyof CreatedLab['tokens'] = 'student') => ({ Authorization: `Bearer ${lab.tokens[role]}` });
  const newLab = (body: Record<string, unknown>) => createLab(server.url, { name: 'seed', ...body });
  const exec = async (lab: CreatedLab, command: string, context?: string): Promise<ExecResult> =>
    (await api().post(`/api/labs/${lab.id}/exec`).set(auth(lab)).send(context ? { command, context } : { command }).expect(200)).body;
  const upload = (lab: CreatedLab, name: string, content: string) => api().post(`/api/labs/${lab.id}/files`).set(auth(lab)).send({ name, content }).expect(201);

  describe('000: minikube with flannel, then NetworkPolicy with calico', () => {
    let lab: CreatedLab;
    beforeAll(async () => {
      // The seed's cluster was a third minikube profile: 192.168.67.0/24.
      lab = await newLab({ cluster: { nodeNetwork: '192.168.67.0/24' } });
    });

    it('minikube start --nodes 3 --cni flannel creates the three nodes', async () => {
      const out = await exec(lab, 'minikube start --nodes 3 --cni flannel');
      expect(out.exitCode).toBe(0);
      expect(out.stdout).toContain('👍  Starting worker node minikube-m03 in cluster minikube\n');
      expect(out.stdout).toContain('🔗  Configuring Flannel (Container Networking Interface) ...\n');
      expect(out.stdout.endsWith('🏄  Done! kubectl is now configured to use "minikube" cluster and "default" namespace by default\n')).toBe(true);
      expect(out.events.filter((e) => e.type === 'NodeAdded')).toHaveLength(3);
    });

    it('kubectl get ds -A lists flannel and kube-proxy on every node', async () => {
      const out = await exec(lab, 'kubectl get ds -A');
      expect(normaliseAges(out.stdout)).toBe(
        normaliseAges(
          'NAMESPACE      NAME              DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE\n' +
            'kube-flannel   kube-flannel-ds   3         3         3       3            3           <none>                   5m\n' +
            'kube-system    kube-proxy        3         3         3       3            3           kubernetes.io/os=linux   6m\n',
        ),
      );
      expect(out.events).toEqual([]);
    });

    it('kubectl get pods -A -o wide | grep flannel: one flannel pod per node, on the node address', async () => {
      const out = await exec(lab, 'kubectl get pods -A -o wide | grep flannel');
      const rows = out.stdout.trimEnd().split('\n');
      expect(rows).toHaveLength(3);
      expect(rows.map((r) => r.split(/\s+/).slice(6, 8).join(' ')).sort()).toEqual(['192.168.67.2 minikube', '192.168.67.3 minikube-m02', '192.168.67.4 minikube-m03']);
    });

    it('kubectl rollout restart ds kube-flannel-ds -n kube-flannel replaces the pods', async () => {
      const before = (await exec(lab, "kubectl get po -n kube-flannel -o name")).stdout;
      const out = await exec(lab, 'kubectl rollout restart ds kube-flannel-ds -n kube-flannel');
      expect(out.stdout).toBe('daemonset.apps/kube-flannel-ds restarted\n');
      expect(out.events.map((e) => e.type)).toEqual(['PodDeleted', 'PodCreated', 'PodDeleted', 'PodCreated', 'PodDeleted', 'PodCreated']);
      const after = (await exec(lab, 'kubectl get po -n kube-flannel -o name | wc -l')).stdout;
      expect(after).toBe('3\n');
      expect((await exec(lab, 'kubectl get po -n kube-flannel -o name')).stdout).not.toBe(before);
    });

    it('minikube node list', async () => {
      expect((await exec(lab, 'minikube node list')).stdout).toBe(seedBlock('minikube node list'));
    });

    it('kubectl get nodes', async () => {
      expect(normaliseAges((await exec(lab, 'kubectl get nodes')).stdout)).toBe(normaliseAges(seedBlock('kubectl get nodes')));
    });

    it('kubectl describe configmaps kube-flannel-cfg -n kube-flannel shows the seed\'s net-conf.json', async () => {
      const { stdout } = await exec(lab, 'kubectl describe configmaps kube-flannel-cfg -n kube-flannel');
      const start = stdout.indexOf('net-conf.json:');
      expect(stdout.slice(start, stdout.indexOf('\n}\n', start) + 3)).toBe(seedBlock('kubectl describe configmaps kube-flannel-cfg'));
    });

    it('docker exec -it minikube-m02 bash enters the node; ip a and ip -details link show flannel.1 there', async () => {
      const entered = await exec(lab, 'docker exec -it minikube-m02 bash');
      expect(entered).toMatchObject({ stdout: '', exitCode: 0, context: 'node/minikube-m02', prompt: 'root@minikube-m02:/# ' });
      const ipA = await exec(lab, 'ip a', entered.context);
      expect(normaliseMacs(ipA.stdout)).toContain(normaliseMacs(seedBlock('root@minikube-m02:/# ip a')));
      const details = await exec(lab, 'ip -details link show flannel.1', entered.context);
      // The seed lost the final blank of the last line when pasted; iproute2 ends every option with one.
      expect(normaliseMacs(details.stdout)).toBe(normaliseMacs(seedBlock('ip -details link show flannel.1').replace(/\n$/, ' \n')));
      const left = await exec(lab, 'exit', entered.context);
      expect(left).toMatchObject({ context: 'workstation', prompt: '$ ' });
    });

    describe('NetworkPolicy on calico', () => {
      let calico: CreatedLab;
      let dbIp: string;
      beforeAll(async () => {
        calico = await newLab({ cluster: { cni: { plugin: 'calico' } } });
        await upload(calico, 'deny-all.yaml', denyAll);
        await upload(calico, 'allow.yaml', allow);
      });

      it('minikube start --cni calico', async () => {
        const out = await exec(calico, 'minikube start --cni calico');
        expect(out.stdout).toContain('🔗  Configuring Calico (Container Networking Interface) ...\n');
        expect(out.events.filter((e) => e.type === 'NodeAdded')).toHaveLength(1);
      });

      it('kubectl apply -f <the seed\'s path to deny-all.yaml> reads the lab file', async () => {
        const out = await exec(calico, 'kubectl apply -f /Users/aashabunov/IdeaProjects/kubernetes/network-policy/deny-all.yaml');
        expect(out).toMatchObject({ stdout: 'networkpolicy.networking.k8s.io/default-deny created\n', stderr: '', exitCode: 0 });
      });

      it('kubectl run app and db, verbatim', async () => {
        expect((await exec(calico, 'kubectl run app --image nicolaka/netshoot --labels="app=app" -- /bin/bash -c "sleep 3600"')).stdout).toBe('pod/app created\n');
        expect((await exec(calico, 'kubectl run db --image postgres --labels="app=database" --env="POSTGRES_PASSWORD=123"')).stdout).toBe('pod/db created\n');
        const describe = await exec(calico, 'kubectl describe pod app');
        expect(describe.stdout).toContain('    Args:\n      /bin/bash\n      -c\n      sleep 3600\n');
      });

      it('kubectl get po -o wide', async () => {
        const out = await exec(calico, 'kubectl get po -o wide');
        const lines = out.stdout.trimEnd().split('\n');
        expect(lines[0]).toMatch(/^NAME {3}READY {3}STATUS {4}RESTARTS {3}AGE {3}IP +NODE +NOMINATED NODE {3}READINESS GATES$/);
        expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['app', 'db']);
        dbIp = lines[2].split(/\s+/)[5];
        expect(dbIp).toMatch(/^10\.244\.\d+\.\d+$/);
      });

      it('kubectl exec -it app -- bash, then telnet <db ip> 5432 times out under deny-all', async () => {
        const entered = await exec(calico, 'kubectl exec -it app -- bash');
        expect(entered).toMatchObject({ context: 'pod/default/app', prompt: 'app:~# ' });
        const out = await exec(calico, `telnet ${dbIp} 5432`, entered.context);
        expect(out).toMatchObject({ stdout: `Trying ${dbIp}...\n`, stderr: 'telnet: Unable to connect to remote host: Connection timed out\n', exitCode: 1, events: [] });
      });

      it('after kubectl apply -f allow.yaml the same telnet connects', async () => {
        expect((await exec(calico, 'kubectl apply -f /Users/aashabunov/IdeaProjects/kubernetes/network-policy/allow.yaml')).stdout).toBe('networkpolicy.networking.k8s.io/postgres-allow created\n');
        const out = await exec(calico, `telnet ${dbIp} 5432`, 'pod/default/app');
        expect(out).toMatchObject({ stdout: `Trying ${dbIp}...\nConnected to ${dbIp}.\nEscape character is '^]'.\n`, exitCode: 0 });
      });
    });
  });

  describe('002: the third level (routes, pods per node, kube-proxy rules)', () => {
    let lab: CreatedLab;
    beforeAll(async () => {
      lab = await newLab({ scenario: 'minikube-flannel' });
      await exec(lab, 'kubectl run app --image nicolaka/netshoot');
      await exec(lab, 'kubectl run web --image nginx');
    });

    it('route -n on a node: net-tools layout', async () => {
      const out = await exec(lab, 'route -n', 'node/minikube');
      expect(out.stdout).toBe(
        'Kernel IP routing table\n' +
          'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n' +
          '0.0.0.0         192.168.49.1    0.0.0.0         UG    0      0        0 eth0\n' +
          '10.244.0.0      0.0.0.0         255.255.255.0   U     0      0        0 cni0\n' +
          '10.244.1.0      10.244.1.0      255.255.255.0   UG    0      0        0 flannel.1\n' +
          '10.244.2.0      10.244.2.0      255.255.255.0   UG    0      0        0 flannel.1\n' +
          '172.17.0.0      0.0.0.0         255.255.0.0     U     0      0        0 docker0\n' +
          '192.168.49.0    0.0.0.0         255.255.255.0   U     0      0        0 eth0\n',
      );
    });

    it('kubectl get po -o wide: the third octet follows the node', async () => {
      const rows = (await exec(lab, 'kubectl get po -o wide --no-headers')).stdout.trimEnd().split('\n');
      for (const row of rows) {
        const [, , , , , ip, node] = row.split(/\s+/);
        const octet = { minikube: '0', 'minikube-m02': '1', 'minikube-m03': '2' }[node];
        expect(ip.split('.')[2]).toBe(octet);
      }
    });

    it('iptables -t nat -vnL, iptables -F, and the rules come back', async () => {
      const node = 'node/minikube';
      const before = await exec(lab, 'iptables -t nat -vnL', node);
      expect(before.stdout).toContain('Chain KUBE-SERVICES (2 references)\n');
      expect(before.events).toEqual([]);
      const flush = await exec(lab, 'iptables -F', node);
      expect(flush).toMatchObject({ stdout: '', stderr: '', exitCode: 0 });
      expect(flush.events.map((e) => e.type)).toEqual(['IptablesChanged']);
      const filter = await exec(lab, 'iptables -vnL | grep -c "^Chain"', node);
      expect(Number(filter.stdout)).toBeGreaterThan(0);
    });

    it('ip a | grep veth | wc -l counts the pods of the node on the pod network', async () => {
      const nodes = (await exec(lab, 'kubectl get po -A -o wide --no-headers | awk \'{print $8, $7}\' | grep -v "^minikube 192\\|^minikube-m0. 192" | grep -c "^minikube "')).stdout;
      const veths = await exec(lab, 'ip a | grep veth | wc -l', 'node/minikube');
      expect(veths.stdout).toBe(nodes);
    });

    it('kubectl get po -A -o wide | grep <node> | wc -l counts every pod of the node', async () => {
      const out = await exec(lab, 'kubectl get po -A -o wide | grep minikube-m02 | wc -l');
      const flannelAndProxy = 2;
      const scheduled = (await exec(lab, "kubectl get po -o wide --no-headers | grep -c minikube-m02")).stdout;
      expect(Number(out.stdout)).toBe(flannelAndProxy + Number(scheduled.trim() || '0'));
    });
  });

  describe('bad commands fail as bash and kubectl do and append nothing', () => {
    let lab: CreatedLab;
    beforeAll(async () => {
      lab = await newLab({ scenario: 'minikube-flannel' });
    });

    it.each([
      ['foo', '', 'bash: foo: command not found\n', 127],
      ['kubectl frobnicate', '', 'error: unknown command "frobnicate" for "kubectl"\n', 1],
      ['kubectl get pods --bogus', '', "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n", 1],
      ['kubectl get po nope', '', 'Error from server (NotFound): pods "nope" not found\n', 1],
      ['kubectl get foos', '', 'error: the server doesn\'t have a resource type "foos"\n', 1],
      ['kubectl apply -f missing.yaml', '', 'error: the path "missing.yaml" does not exist\n', 1],
      ['kubectl get po | ', '', "bash: syntax error near unexpected token `newline'\n", 2],
    ])('%s', async (command, stdout, stderr, exitCode) => {
      const out = await exec(lab, command);
      expect(out).toMatchObject({ stdout, stderr, exitCode, events: [] });
    });

    it('a second kubectl run of the same pod is AlreadyExists', async () => {
      await exec(lab, 'kubectl run app --image nicolaka/netshoot');
      const again = await exec(lab, 'kubectl run app --image nicolaka/netshoot');
      expect(again).toMatchObject({ stderr: 'Error from server (AlreadyExists): pods "app" already exists\n', exitCode: 1, events: [] });
    });

    it('an observer may read but not change the lab (403)', async () => {
      const read = await api().post(`/api/labs/${lab.id}/exec`).set(auth(lab, 'observer')).send({ command: 'kubectl get nodes' }).expect(200);
      expect(read.body.stdout).toContain('minikube-m03');
      const write = await api().post(`/api/labs/${lab.id}/exec`).set(auth(lab, 'observer')).send({ command: 'kubectl run x --image nginx' }).expect(403);
      expect(write.headers['content-type']).toContain('application/problem+json');
      expect((await exec(lab, 'kubectl get po x')).exitCode).toBe(1);
    });

    it('an unknown context is a 400 problem', async () => {
      await api().post(`/api/labs/${lab.id}/exec`).set(auth(lab)).send({ command: 'ip a', context: 'vm/x' }).expect(400);
    });
  });
});

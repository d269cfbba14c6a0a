import request from 'supertest';
import { WORKSTATION } from '@hoplab/simulator/shell';
import { ShellService } from '../apps/server/src/shell/shell.service';
import { startServer, tempDatabase, type TestServer } from './support/test-server';

interface CreatedLab {
  id: string;
  tokens: Record<'instructor' | 'student' | 'observer', string>;
}

describe('the lab shell over REST', () => {
  const database = tempDatabase();
  let server: TestServer;
  let lab: CreatedLab;

  beforeAll(async () => {
    server = await startServer({ databaseUrl: database.url });
    lab = (await request(server.url).post('/api/labs').send({ name: 'shell', scenario: 'minikube-flannel' }).expect(201)).body;
  });
  afterAll(async () => {
    await server.app.close();
    database.cleanup();
  });

  const api = () => request(server.url);
  const auth = (role: keyof CreatedLab['tokens'] = 'student') => ({ Authorization: `Bearer ${lab.tokens[role]}` });
  const exec = (command: string, context?: string, role: keyof CreatedLab['tokens'] = 'student') =>
    api().post(`/api/labs/${lab.id}/exec`).set(auth(role)).send(context ? { command, context } : { command });

  it('a here-document piped into kubectl apply appends the pod and answers what kubectl prints', async () => {
    const line = 'cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx\nEOF';
    const { body } = await exec(line).expect(200);
    expect(body).toMatchObject({ stdout: 'pod/web created\n', stderr: '', exitCode: 0, context: 'workstation', prompt: '$ ' });
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(['PodCreated', 'PodNetworkAttached']);
    const state = (await api().get(`/api/labs/${lab.id}/state`).set(auth('observer')).expect(200)).body;
    expect(state.version).toBe(body.version);
  });

  it('a line with a change and reads after it: the reads see the change', async () => {
    const { body } = await exec('kubectl run db --image postgres --labels=app=database && kubectl get po db -o name').expect(200);
    expect(body.stdout).toBe('pod/db created\npod/db\n');
  });

  it('pod and node contexts by name; the pod reaches the Service of another pod by DNS', async () => {
    await exec('kubectl expose pod web --port 80').expect(200);
    const { body } = await exec('curl -s web | grep -c "Welcome to nginx"', 'pod/default/db').expect(200);
    expect(body).toMatchObject({ stdout: '2\n', exitCode: 0, context: 'pod/default/db', prompt: 'root@db:/# ' });
    const node = await exec('ip route | grep -c flannel.1', 'node/minikube-m03').expect(200);
    expect(node.body).toMatchObject({ stdout: '2\n', prompt: 'root@minikube-m03:/# ' });
    const gone = await exec('ip a', 'pod/default/nope').expect(200);
    expect(gone.body).toMatchObject({ exitCode: 1, context: 'workstation', stderr: 'pod default/nope does not exist in this lab; exit to the workstation\n' });
  });

  it('files: stored by students and instructors as events, refused to observers and when malformed', async () => {
    const stored = await api().post(`/api/labs/${lab.id}/files`).set(auth('instructor')).send({ name: 'notes.txt', content: 'hello\n' }).expect(201);
    expect(stored.body.events.map((e: { type: string; data: unknown }) => [e.type, e.data])).toEqual([['FileStored', { name: 'notes.txt', content: 'hello\n' }]]);
    expect((await exec('cat notes.txt', undefined, 'observer').expect(200)).body.stdout).toBe('hello\n');
    await api().post(`/api/labs/${lab.id}/files`).set(auth('observer')).send({ name: 'x', content: '' }).expect(403);
    await api().post(`/api/labs/${lab.id}/files`).set(auth()).send({ name: '', content: 'x' }).expect(400);
    await api().post(`/api/labs/${lab.id}/files`).set(auth()).send({ name: 'x' }).expect(400);
  });

  it('shell variables come back with the answer and are read when sent with the next line', async () => {
    const set = await exec("DB=$(kubectl get pod db -o jsonpath='{.status.podIP}')").expect(200);
    expect(set.body.vars.DB).toMatch(/^10\.244\.\d+\.\d+$/);
    const { body } = await api().post(`/api/labs/${lab.id}/exec`).set(auth()).send({ command: 'echo db=$DB', vars: set.body.vars }).expect(200);
    expect(body).toMatchObject({ stdout: `db=${set.body.vars.DB}\n`, vars: set.body.vars });
    await api().post(`/api/labs/${lab.id}/exec`).set(auth()).send({ command: 'echo', vars: { 'not a name': 'x' } }).expect(400);
  });

  it('malformed exec bodies are 400 problems; a missing token 401', async () => {
    await api().post(`/api/labs/${lab.id}/exec`).set(auth()).send({ cmd: 'ls' }).expect(400);
    await api().post(`/api/labs/${lab.id}/exec`).send({ command: 'ls' }).expect(401);
  });

  it('iptables -F on a node appends IptablesChanged; a bad iptables call appends nothing', async () => {
    const flushed = await exec('iptables -t nat -F', 'node/minikube').expect(200);
    expect(flushed.body.events.map((e: { type: string }) => e.type)).toEqual(['IptablesChanged']);
    const bad = await exec('iptables -t nat -A NOPE -j ACCEPT', 'node/minikube').expect(200);
    expect(bad.body).toMatchObject({ exitCode: 1, events: [] });
    expect(bad.body.stderr).toMatch(/^iptables/);
  });

  it('ShellService keeps a per-client context stack for the gateway: enter a node, run there, exit', async () => {
    const shell = server.app.get(ShellService);
    const entered = await shell.execById(lab.id, 'observer', 'docker exec -it minikube-m02 bash', [WORKSTATION]);
    expect(entered).toMatchObject({ context: 'node/minikube-m02', prompt: 'root@minikube-m02:/# ' });
    const there = await shell.execById(lab.id, 'observer', 'hostname', entered.stack);
    expect(there.stdout).toBe('minikube-m02\n');
    const left = await shell.execById(lab.id, 'observer', 'exit', there.stack);
    expect(left.stack).toEqual([WORKSTATION]);
    await expect(shell.execById(lab.id, 'observer', 'kubectl delete pod web', left.stack)).rejects.toMatchObject({ status: 403 });
  });
  it('kubectl scale of a Deployment appends the scale and the pods it adds or removes', async () => {
    const created = await exec('kubectl create deployment api --image=nginx --replicas=1').expect(200);
    expect(created.body).toMatchObject({ stdout: 'deployment.apps/api created\n', exitCode: 0 });
    expect(created.body.events.map((e: { type: string }) => e.type)).toEqual(['DeploymentApplied', 'ReplicaSetScaled', 'PodCreated', 'PodNetworkAttached']);
    const scaled = await exec('kubectl scale deployment/api --replicas=3 && kubectl get deploy api --no-headers | awk \'{print $2}\'').expect(200);
    expect(scaled.body).toMatchObject({ stdout: 'deployment.apps/api scaled\n3/3\n', stderr: '', exitCode: 0 });
    expect(scaled.body.events.map((e: { type: string }) => e.type)).toEqual(['DeploymentScaled', 'ReplicaSetScaled', 'PodCreated', 'PodNetworkAttached', 'PodCreated', 'PodNetworkAttached']);
    const down = await exec('kubectl scale deploy api --replicas 1 && kubectl get po -o name | grep -c "^pod/api-"').expect(200);
    expect(down.body).toMatchObject({ stdout: 'deployment.apps/api scaled\n1\n', exitCode: 0 });
    expect(down.body.events.map((e: { type: string }) => e.type)).toEqual(['DeploymentScaled', 'ReplicaSetScaled', 'PodDeleted', 'PodDeleted']);
  });
});

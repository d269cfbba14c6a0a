import { terminal, testLab } from '../test-lab';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;

const webPods = (t: ReturnType<typeof terminal>) => t.run('kubectl get po -o name').output.stdout.split('\n').filter((line) => line.startsWith('pod/web-'));

describe('kubectl and Deployments in the lab shell', () => {
  it('create deployment, get deploy (-o wide, -A), scale both ways, delete', () => {
    const t = terminal(testLab({}, 2));
    expect(t.run('kubectl create deployment web --image=nginx:1.27 --replicas=2').output).toEqual({ stdout: 'deployment.apps/web created\n', stderr: '', exitCode: 0 });
    const hash = t.state.deployments.get('default/web')!.podTemplateHash;
    expect(webPods(t)).toHaveLength(2);
    for (const name of webPods(t)) expect(name).toMatch(new RegExp(`^pod/web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    expect(t.run('kubectl get deploy').output.stdout).toMatch(/^NAME {3}READY {3}UP-TO-DATE {3}AVAILABLE {3}AGE\nweb {4}2\/2 {5}2 {12}2 {11}\d+s\n$/);
    expect(t.run('kubectl get deployments -o wide').output.stdout).toMatch(
      /^NAME {3}READY {3}UP-TO-DATE {3}AVAILABLE {3}AGE {3}CONTAINERS {3}IMAGES {7}SELECTOR\nweb {4}2\/2 {5}2 {12}2 {11}\d+s {4}nginx {8}nginx:1\.27 {3}app=web\n$/,
    );
    expect(t.run('kubectl get deploy -A').output.stdout).toMatch(/^NAMESPACE {5}NAME {6}READY .*\ndefault {7}web {7}2\/2 .*\nkube-system {3}coredns {3}1\/1 {5}1 {12}1 /);
    expect(t.run('kubectl scale deployment/web --replicas=4').output).toEqual({ stdout: 'deployment.apps/web scaled\n', stderr: '', exitCode: 0 });
    expect(webPods(t)).toHaveLength(4);
    expect(t.run('kubectl scale deploy web --replicas 1').output.stdout).toBe('deployment.apps/web scaled\n');
    expect(webPods(t)).toHaveLength(1);
    expect(t.run('kubectl get deploy web -o name').output.stdout).toBe('deployment.apps/web\n');
    expect(t.run('kubectl delete deploy web').output.stdout).toBe('deployment.apps "web" deleted\n');
    expect(webPods(t)).toEqual([]);
    expect(t.run('kubectl get deploy').output).toEqual({ stdout: '', stderr: 'No resources found in default namespace.\n', exitCode: 0 });
  });

  it('apply -f of a Deployment reports created, unchanged and configured', () => {
    const t = terminal(testLab({}, 1));
    expect(t.run(`cat <<EOF | kubectl apply -f -\n${DEPLOYMENT}EOF`).output.stdout).toBe('deployment.apps/web created\n');
    expect(t.run(`cat <<EOF | kubectl apply -f -\n${DEPLOYMENT}EOF`).output.stdout).toBe('deployment.apps/web unchanged\n');
    expect(t.run(`cat <<EOF | kubectl apply -f -\n${DEPLOYMENT.replace('replicas: 2', 'replicas: 3')}EOF`).output.stdout).toBe('deployment.apps/web configured\n');
    expect(webPods(t)).toHaveLength(3);
  });

  it('fails as kubectl fails, changing nothing', () => {
    const t = terminal(testLab({}, 1));
    const version = t.state.version;
    expect(t.run('kubectl scale deploy nope --replicas=2').output).toEqual({ stdout: '', stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n', exitCode: 1 });
    expect(t.run('kubectl scale deploy nope').output.stderr).toBe('error: required flag(s) "replicas" not set\n');
    expect(t.run('kubectl create deployment web').output.stderr).toBe('error: required flag(s) "image" not set\n');
    expect(t.run('kubectl delete deploy nope').output).toEqual({ stdout: '', stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n', exitCode: 1 });
    expect(t.state.version).toBe(version);
    t.run('kubectl create deployment web --image nginx');
    expect(t.run('kubectl create deployment web --image nginx').output.stderr).toBe('Error from server (AlreadyExists): deployments.apps "web" already exists\n');
    expect(t.state.deployments.get('default/web')!.replicas).toBe(1);
  });

  it('set image, rollout restart|status|history|undo of a Deployment; their refusals change nothing', () => {
    const t = terminal(testLab({}, 2));
    t.run('kubectl create deployment web --image=nginx:1.27 --replicas=2');
    const version = t.state.version;
    expect(t.run('kubectl set image deployment/web nope=nginx:1.28').output).toEqual({ stdout: '', stderr: 'error: unable to find container named "nope"\n', exitCode: 1 });
    expect(t.run('kubectl set image deployment/nope nginx=nginx:1.28').output.stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
    expect(t.run('kubectl rollout undo deployment/web').output.stderr).toBe('error: no rollout history found for deployment "web"\n');
    expect(t.state.version).toBe(version);
    expect(t.run('kubectl set image deployment/web nginx=nginx:1.28').output.stdout).toBe('deployment.apps/web image updated\n');
    expect(t.run('kubectl rollout status deployment/web').output.stdout).toBe('deployment "web" successfully rolled out\n');
    expect(t.run('kubectl rollout restart deploy web').output.stdout).toBe('deployment.apps/web restarted\n');
    expect(t.state.deployments.get('default/web')!.template.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(/^2026-11-22T09:00:\d\dZ$/);
    expect(t.run('kubectl rollout history deployment/web').output.stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n3         <none>\n\n');
    expect(t.run('kubectl rollout undo deployment/web --to-revision=1').output.stdout).toBe('deployment.apps/web rolled back\n');
    expect(t.state.deployments.get('default/web')!.template.containers[0].image).toBe('nginx:1.27');
    expect(t.run('kubectl get rs --no-headers').output.stdout.trimEnd().split('\n').map((line) => line.split(/\s+/).slice(1, 4).join(' '))).toEqual(['2 2 2', '0 0 0', '0 0 0']);
    expect(t.run('kubectl rollout status ds/kube-proxy -n kube-system').output.stdout).toBe('daemon set "kube-proxy" successfully rolled out\n');
    expect(t.run('kubectl rollout pause deployment/web').output.exitCode).toBe(1);
  });
});

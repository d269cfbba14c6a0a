import { terminal, testLab, type Terminal } from '../test-lab';

function lab(): Terminal {
  const t = terminal(testLab({}, 2));
  t.run('kubectl run app --image nicolaka/netshoot --labels="app=app" -- /bin/bash -c "sleep 3600"');
  t.run('kubectl run db --image postgres --labels="app=database" --env="POSTGRES_PASSWORD=123"');
  return t;
}

describe('kubectl in the lab shell', () => {
  it('run creates the pod as kubectl run does (labels, env, args after --)', () => {
    const t = terminal(testLab({}, 1));
    const out = t.run('kubectl run app --image nicolaka/netshoot --labels="app=app" -- /bin/bash -c "sleep 3600"');
    expect(out.output).toEqual({ stdout: 'pod/app created\n', stderr: '', exitCode: 0 });
    const pod = t.state.pods.get('default/app')!;
    expect(pod.labels).toEqual({ app: 'app' });
    expect(pod.containers[0]).toMatchObject({ name: 'app', image: 'nicolaka/netshoot', args: ['/bin/bash', '-c', 'sleep 3600'] });
    expect(t.run('kubectl run app --image nginx').output).toEqual({ stdout: '', stderr: 'Error from server (AlreadyExists): pods "app" already exists\n', exitCode: 1 });
    expect(t.run('kubectl run x').output.stderr).toBe('error: required flag(s) "image" not set\n');
    expect(t.run('kubectl run x --image nginx -n nope').output.stderr).toBe('Error from server (NotFound): namespaces "nope" not found\n');
    expect(t.state.pods.get('default/app')!.containers[0].image).toBe('nicolaka/netshoot');
  });

  it('get: tables, -o wide|name|yaml, -l, --show-labels, -A, single names, empty lists', () => {
    const t = lab();
    const wide = t.run('kubectl get po -o wide').output.stdout.split('\n');
    expect(wide[0]).toBe('NAME   READY   STATUS    RESTARTS   AGE   IP           NODE           NOMINATED NODE   READINESS GATES');
    expect(wide[1]).toMatch(/^app {4}1\/1 {5}Running {3}0 {10}\d+s {4}10\.244\.\d\.\d {3}minikube(-m02)? +<none> {11}<none>$/);
    expect(t.run('kubectl get po -o name').output.stdout).toBe('pod/app\npod/db\n');
    expect(t.run('kubectl get pods -l app=database -o name').output.stdout).toBe('pod/db\n');
    expect(t.run('kubectl get po db --show-labels').output.stdout).toMatch(/LABELS\ndb .* app=database\n$/);
    expect(t.run('kubectl get pod/db -o name').output.stdout).toBe('pod/db\n');
    const db = t.state.pods.get('default/db')!;
    expect(t.run('kubectl get po db -o yaml').output.stdout).toBe(
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\n  namespace: default\nspec:\n  nodeName: ${db.node}\nstatus:\n  hostIP: ${t.state.nodes.get(db.node)!.ip}\n  phase: Running\n  podIP: ${db.ip}\n`,
    );
    expect(JSON.parse(t.run('kubectl get po -o json').output.stdout).items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['app', 'db']);
    expect(t.run('kubectl get netpol').output).toEqual({ stdout: '', stderr: 'No resources found in default namespace.\n', exitCode: 0 });
    expect(t.run('kubectl get netpol -A').output.stderr).toBe('No resources found\n');
    expect(t.run('kubectl get ns -o name').output.stdout).toContain('namespace/kube-flannel\n');
    expect(t.run('kubectl get svc').output.stdout).toMatch(/^NAME {9}TYPE {8}CLUSTER-IP {3}EXTERNAL-IP {3}PORT\(S\) {3}AGE\nkubernetes {3}ClusterIP {3}10\.96\.0\.1 {4}<none> {8}443\/TCP {3}\d+s\n$/);
    expect(t.run('kubectl get ep kubernetes --no-headers').output.stdout).toMatch(/^kubernetes {3}192\.168\.49\.2:8443 {3}\d+s\n$/);
    expect(t.run('kubectl get cm -n kube-flannel -o name').output.stdout).toBe('configmap/kube-flannel-cfg\nconfigmap/kube-root-ca.crt\n');
    expect(t.run('kubectl get -n kube-system ds -o name').output.stdout).toBe('daemonset.apps/kube-proxy\n');
    expect(t.run('kubectl --context minikube -n kube-system get ds -o name').output.stdout).toBe('daemonset.apps/kube-proxy\n');
    expect(t.run('kubectl get po nope db -o name').output).toEqual({ stdout: 'pod/db\n', stderr: 'Error from server (NotFound): pods "nope" not found\n', exitCode: 1 });
    expect(t.run('kubectl get').output.stderr).toContain('error: Required resource not specified.\n');
    expect(t.run('kubectl get svc,ep').output.stdout).toMatch(
      /^NAME {17}TYPE {8}CLUSTER-IP {3}EXTERNAL-IP {3}PORT\(S\) {3}AGE\nservice\/kubernetes {3}ClusterIP {3}10\.96\.0\.1 {4}<none> {8}443\/TCP {3}\d+s\n\nNAME {19}ENDPOINTS {11}AGE\nendpoints\/kubernetes {3}192\.168\.49\.2:8443 {3}\d+s\n$/,
    );
    expect(t.run('kubectl get all --no-headers | awk \'{print $1}\'').output.stdout).toBe('pod/app\npod/db\nservice/kubernetes\n');
    expect(t.run('kubectl get all -n kube-flannel --no-headers | awk \'{print $1}\'').output.stdout).toMatch(/^(pod\/kube-flannel-ds-\w{5}\n){2}daemonset\.apps\/kube-flannel-ds\n$/);
    expect(t.run('kubectl get all -n kube-node-lease').output).toEqual({ stdout: '', stderr: 'No resources found in kube-node-lease namespace.\n', exitCode: 0 });
    expect(t.run('kubectl get po -o table').output.stderr).toContain('unable to match a printer suitable for the output format "table"');
  });

  it("describe pod in kubectl's layout (battery 16)", () => {
    const t = lab();
    const pod = t.state.pods.get('default/db')!;
    const node = t.state.nodes.get(pod.node)!;
    const out = t.run('kubectl describe pod db').output.stdout;
    const head = out.slice(0, out.indexOf('Events:'));
    expect(head.split('\n').slice(0, 14).join('\n')).toBe(
      [
        'Name:             db',
        'Namespace:        default',
        'Priority:         0',
        'Service Account:  default',
        `Node:             ${node.name}/${node.ip}`,
        'Start Time:       Sun, 22 Nov 2026 09:00:02 +0000',
        'Labels:           app=database',
        'Annotations:      <none>',
        'Status:           Running',
        `IP:               ${pod.ip}`,
        'IPs:',
        `  IP:  ${pod.ip}`,
        'Containers:',
        '  db:',
      ].join('\n'),
    );
    expect(head.split('\n')[14]).toMatch(/^ {4}Container ID: {3}docker:\/\/[0-9a-f]{64}$/);
    expect(head).toContain(
      '    Image:          postgres\n    Image ID:       docker-pullable://postgres@sha256:' + '0'.repeat(64) + '\n    Port:           <none>\n    Host Port:      <none>\n    State:          Running\n      Started:      Sun, 22 Nov 2026 09:00:02 +0000\n    Ready:          True\n    Restart Count:  0\n    Environment:\n      POSTGRES_PASSWORD:  123\n    Mounts:               <none>\nConditions:\n  Type                        Status\n  PodReadyToStartContainers   True \n  Initialized                 True \n  Ready                       True \n  ContainersReady             True \n  PodScheduled                True \nVolumes:                      <none>\nQoS Class:                    BestEffort\nNode-Selectors:               <none>\nTolerations:                  <none>\n',
    );
    expect(out).toContain('Events:\n  Type    Reason     Age   From               Message\n  ----    ------     ----  ----               -------\n  Normal  Scheduled  ');
    expect(t.run('kubectl describe pod nope').output).toEqual({ stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n', exitCode: 1 });
  });

  it('apply -f from the file store and from a here-document; unchanged on a second apply', () => {
    const t = lab();
    t.state.files.set('deny-all.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n');
    expect(t.run('kubectl apply -f /home/me/network-policy/deny-all.yaml').output).toMatchObject({ stdout: 'networkpolicy.networking.k8s.io/default-deny created\n', exitCode: 0 });
    expect(t.run('kubectl apply -f deny-all.yaml').output.stdout).toBe('networkpolicy.networking.k8s.io/default-deny unchanged\n');
    const heredoc = t.run('cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: nginx\n    image: nginx\nEOF');
    expect(heredoc.output.stdout).toBe('pod/web created\n');
    expect(t.run('kubectl apply -f nope.yaml').output.stderr).toBe('error: the path "nope.yaml" does not exist\n');
    expect(t.run('kubectl apply').output.stderr).toBe("error: must specify one of -f and -k\nSee 'kubectl apply -h' for help and examples\n");
  });

  it('delete by name and by file, with NotFound for the missing', () => {
    const t = lab();
    expect(t.run('kubectl delete pod db').output.stdout).toBe('pod "db" deleted\n');
    expect(t.state.pods.has('default/db')).toBe(false);
    expect(t.run('kubectl delete po db').output).toEqual({ stdout: '', stderr: 'Error from server (NotFound): pods "db" not found\n', exitCode: 1 });
    expect(t.run('kubectl delete po').output.stderr).toBe('error: resource(s) were provided, but no name was specified\n');
    expect(t.run('kubectl delete node minikube-m02').output.stdout).toBe('node "minikube-m02" deleted\n');
    expect([...t.state.nodes.keys()]).toEqual(['minikube']);
    expect(t.run('kubectl delete cm kube-root-ca.crt').output).toEqual({ stdout: '', stderr: 'error: the lab cannot delete configmaps\n', exitCode: 1 });
  });

  it('expose a pod as a Service, then nslookup and telnet reach it through kube-proxy', () => {
    const t = lab();
    expect(t.run('kubectl expose pod db --port 5432').output.stdout).toBe('service/db exposed\n');
    const service = t.state.services.get('default/db')!;
    expect(service.selector).toEqual({ app: 'database' });
    expect(t.run('kubectl exec app -- nslookup db').output.stdout).toBe(`Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tdb.default.svc.cluster.local\nAddress: ${service.clusterIP}\n\n`);
    expect(t.run('kubectl exec app -- telnet db 5432').output.stdout).toContain('Connected to db.\n');
    expect(t.run('kubectl exec app -- host db.default').output.stdout).toBe(`db.default.svc.cluster.local has address ${service.clusterIP}\n`);
    expect(t.run('kubectl exec app -- host nope').output.stderr).toBe('Host nope not found: 3(NXDOMAIN)\ncommand terminated with exit code 1\n');
    expect(t.run('kubectl expose pod app').output.stderr).toBe("error: couldn't find port via --port flag or introspection\n");
  });

  it('rollout restart ds replaces the DaemonSet pods', () => {
    const t = lab();
    const before = t.run('kubectl get po -n kube-flannel -o name').output.stdout;
    expect(t.run('kubectl rollout restart ds kube-flannel-ds -n kube-flannel').output.stdout).toBe('daemonset.apps/kube-flannel-ds restarted\n');
    const after = t.run('kubectl get po -n kube-flannel -o name').output.stdout;
    expect(after.split('\n')).toHaveLength(before.split('\n').length);
    expect(after).not.toBe(before);
    expect(t.run('kubectl rollout restart ds nope').output.stderr).toBe('Error from server (NotFound): daemonsets.apps "nope" not found\n');
  });

  it('exec: commands run in the pod, failures end with kubectl\'s exit line, -- is required', () => {
    const t = lab();
    expect(t.run('kubectl exec app -- hostname').output.stdout).toBe('app\n');
    expect(t.run('kubectl exec app -- cat /nope').output).toEqual({ stdout: '', stderr: 'cat: /nope: No such file or directory\ncommand terminated with exit code 1\n', exitCode: 1 });
    expect(t.run('kubectl exec app hostname').output.stderr).toBe("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n");
    expect(t.run('kubectl exec nope -- ls').output.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect(t.run('kubectl logs db').output.stdout).toContain('database system is ready to accept connections\n');
    expect(t.run('kubectl logs app').output.stdout).toBe('');
  });

  it("unknown commands and flags fail with kubectl's text", () => {
    const t = lab();
    expect(t.run('kubectl frobnicate').output).toEqual({ stdout: '', stderr: 'error: unknown command "frobnicate" for "kubectl"\n', exitCode: 1 });
    expect(t.run('kubectl foo').output.stderr).toBe('error: unknown command "foo" for "kubectl"\n\nDid you mean this?\n\ttop\n');
    expect(t.run('kubectl gte po').output.stderr).toBe('error: unknown command "gte" for "kubectl"\n\nDid you mean this?\n\tget\n');
    expect(t.run('kubectl desc po').output.stderr).toBe('error: unknown command "desc" for "kubectl"\n\nDid you mean this?\n\tdescribe\n');
    expect(t.run('kubectl top nodes').output.stderr).toMatch(/^error: the lab's kubectl does not run "top" \(it runs apply, create, /);
    expect(t.run('kubectl get po -x').output.stderr).toBe("error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.\n");
    expect(t.run('kubectl get foos').output.stderr).toBe('error: the server doesn\'t have a resource type "foos"\n');
    expect(t.applied.filter((c) => c !== 'createPod')).toEqual([]);
  });
});

describe('kubectl describe of services and namespaces', () => {
  it("service: kubectl's ServiceDescriber layout with the endpoints", () => {
    const t = lab();
    const ip = t.state.pods.get('default/db')!.ip;
    t.run('kubectl expose pod db --port 5432');
    const clusterIP = t.state.services.get('default/db')!.clusterIP;
    expect(t.run('kubectl describe svc db').output.stdout).toBe(
      'Name:                     db\nNamespace:                default\nLabels:                   <none>\nAnnotations:              <none>\nSelector:                 app=database\nType:                     ClusterIP\n' +
        `IP Family Policy:         SingleStack\nIP Families:              IPv4\nIP:                       ${clusterIP}\nIPs:                      ${clusterIP}\nPort:                     <unset>  5432/TCP\nTargetPort:               5432/TCP\n` +
        `Endpoints:                ${ip}:5432\nSession Affinity:         None\nInternal Traffic Policy:  Cluster\nEvents:                   <none>\n`,
    );
  });

  it('namespace', () => {
    expect(lab().run('kubectl describe ns default').output.stdout).toBe(
      'Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n',
    );
  });

  it('kubectl logs of postgres carries the pod start time', () => {
    expect(lab().run('kubectl logs db').output.stdout).toBe(
      'PostgreSQL init process complete; ready for start up.\n\n2026-11-22 09:00:02.000 UTC [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432\n2026-11-22 09:00:02.000 UTC [1] LOG:  database system is ready to accept connections\n',
    );
  });
});

describe('kubectl label', () => {
  it('adds, overwrites and removes pod labels; Services follow the new labels', () => {
    const t = lab();
    t.run('kubectl expose pod db --port 5432 --name pg');
    expect(t.run('kubectl get ep pg --no-headers').output.stdout).toContain(':5432');
    expect(t.run('kubectl label pod app a=b').output.stdout).toBe('pod/app labeled\n');
    expect(t.state.pods.get('default/app')!.labels).toEqual({ app: 'app', a: 'b' });
    expect(t.run('kubectl label pod app a=b').output.stdout).toBe('pod/app not labeled\n');
    expect(t.run('kubectl label pod app a=c').output.stderr).toBe("error: 'a' already has a value (b), and --overwrite is false\n");
    expect(t.run('kubectl label pod app a=c --overwrite').output.stdout).toBe('pod/app labeled\n');
    expect(t.run('kubectl label po/db app-').output.stdout).toBe('pod/db labeled\n');
    expect(t.run('kubectl get ep pg --no-headers').output.stdout).toMatch(/^pg +<none> +\d+s\n$/);
    expect(t.state.proxy.changes.filter((c) => c.service === 'default/pg').map((c) => c.kind)).toContain('endpoints');
    expect(t.run('kubectl label pod app "bad key=x"').output.stderr).toBe(
      'The Pod "app" is invalid: metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')\n',
    );
    expect(t.run('kubectl label pod nope a=b').output.stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });
});

describe('kubectl describe node', () => {
  it("kubectl's NodeDescriber layout; the pod CIDR and the node's pods", () => {
    const t = lab();
    const node = t.state.nodes.get('minikube-m02')!;
    const out = t.run('kubectl describe node minikube-m02').output.stdout;
    expect(out.split('\n').slice(0, 4)).toEqual(['Name:               minikube-m02', 'Roles:              <none>', 'Labels:             beta.kubernetes.io/arch=amd64', '                    beta.kubernetes.io/os=linux']);
    expect(out).toContain('Conditions:\n  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message\n');
    expect(out).toContain(`Addresses:\n  InternalIP:  ${node.ip}\n  Hostname:    minikube-m02\n`);
    expect(t.run('kubectl describe node minikube-m02 | grep PodCIDR').output.stdout).toBe(`PodCIDR:                      ${node.podCIDR}\nPodCIDRs:                     ${node.podCIDR}\n`);
    const pods = [...node.pods].length;
    expect(out).toContain(`Non-terminated Pods:          (${pods} in total)\n`);
    expect(out.endsWith('Events:              <none>\n')).toBe(true);
    expect(t.run('kubectl describe no nope').output.stderr).toBe('Error from server (NotFound): nodes "nope" not found\n');
  });
});

describe('kubectl create', () => {
  it('namespace NAME, and -f FILE with AlreadyExists for what exists', () => {
    const t = lab();
    expect(t.run('kubectl create namespace team-a').output.stdout).toBe('namespace/team-a created\n');
    expect(t.run('kubectl create ns team-a').output.stderr).toBe('Error from server (AlreadyExists): namespaces "team-a" already exists\n');
    t.state.files.set('web.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: team-a\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n');
    expect(t.run('kubectl create -f web.yaml').output.stdout).toBe('pod/web created\n');
    expect(t.run('kubectl create -f web.yaml').output).toEqual({ stdout: '', stderr: 'Error from server (AlreadyExists): error when creating "web.yaml": pods "web" already exists\n', exitCode: 1 });
    expect(t.run('kubectl get po -n team-a -o name').output.stdout).toBe('pod/web\n');
  });
});

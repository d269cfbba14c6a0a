import { appPod, terminal, testLab } from './test-lab';

describe('minikube and docker on the workstation', () => {
  it('minikube start on an empty lab creates the nodes; on a running cluster it changes nothing', () => {
    const t = terminal(testLab({ nodeNetwork: '192.168.67.0/24' }));
    const first = t.run('minikube start --nodes 3 --cni flannel');
    expect(first.output.stdout.split('\n').filter((l) => l.startsWith('👍'))).toEqual([
      '👍  Starting control plane node minikube in cluster minikube',
      '👍  Starting worker node minikube-m02 in cluster minikube',
      '👍  Starting worker node minikube-m03 in cluster minikube',
    ]);
    expect(first.output.stdout).toContain('🌐  Found network options:\n    ▪ NO_PROXY=192.168.67.2,192.168.67.3\n');
    expect(t.applied).toEqual(['addNode', 'addNode', 'addNode']);
    const again = t.run('minikube start --nodes 3 --cni flannel');
    expect(again.output.stdout).toContain('✨  Using the docker driver based on existing profile\n');
    expect(again.output.stdout).toContain('🏃  Updating the running docker "minikube-m02" container ...\n');
    expect(t.applied).toHaveLength(3);
    expect(t.run('minikube node list').output.stdout).toBe('minikube\t192.168.67.2\nminikube-m02\t192.168.67.3\nminikube-m03\t192.168.67.4\n');
    expect(t.run('minikube ip -n minikube-m03').output.stdout).toBe('192.168.67.4\n');
  });

  it('minikube node add / node delete / delete change the cluster as minikube does', () => {
    const t = terminal(testLab({}, 2));
    const added = t.run('minikube node add').output.stdout;
    expect(added.split('\n')[0]).toBe('😄  Adding node m03 to cluster minikube');
    expect(added.endsWith('🏄  Successfully added m03 to minikube!\n')).toBe(true);
    expect([...t.state.nodes.keys()]).toEqual(['minikube', 'minikube-m02', 'minikube-m03']);
    expect(t.run('minikube node delete m02').output.stdout.split('\n').slice(-2)).toEqual(['💀  Node m02 was successfully deleted.', '']);
    expect([...t.state.nodes.keys()]).toEqual(['minikube', 'minikube-m03']);
    expect(t.run('minikube node delete m09').output.exitCode).toBe(85);
    expect(t.run('minikube delete').output.stdout).toContain('💀  Removed all traces of the "minikube" cluster.\n');
    expect(t.state.nodes.size).toBe(0);
    expect(t.run('minikube start --nodes 2').output.exitCode).toBe(0);
    expect(t.run('minikube node list').output.stdout).toBe('minikube\t192.168.49.2\nminikube-m02\t192.168.49.3\n');
  });

  it('minikube start with another CNI than the lab was made for is refused', () => {
    const t = terminal(testLab());
    expect(t.run('minikube start --cni calico').output).toMatchObject({ exitCode: 14, stdout: '' });
    expect(t.applied).toEqual([]);
  });

  it('docker exec runs on the node or enters it; unknown containers are the daemon\'s error', () => {
    const t = terminal(testLab({}, 2));
    expect(t.run('docker exec minikube-m02 hostname').output.stdout).toBe('minikube-m02\n');
    expect(t.run('docker exec minikube-m02 bash -c "ip route | grep flannel.1 | wc -l"').output.stdout).toBe('1\n');
    expect(t.run('docker exec -it nope bash').output).toEqual({ stdout: '', stderr: 'Error response from daemon: No such container: nope\n', exitCode: 1 });
    expect(t.run('docker ps2').output.stderr).toBe("docker: 'ps2' is not a docker command.\nSee 'docker --help'\n");
  });

  it('cat and ls of the lab file store', () => {
    const t = terminal(testLab());
    t.state.files.set('deny-all.yaml', 'kind: NetworkPolicy\n');
    expect(t.run('ls').output.stdout).toBe('deny-all.yaml\n');
    expect(t.run('cat deny-all.yaml | grep -c kind').output.stdout).toBe('1\n');
    expect(t.run('cat nope').output).toEqual({ stdout: '', stderr: 'cat: nope: No such file or directory\n', exitCode: 1 });
  });
});

describe('a node shell', () => {
  it('ip, route -n, arp -n, bridge fdb read the node netns', () => {
    const t = terminal(testLab({}, 2));
    t.run('docker exec -it minikube bash');
    expect(t.run('route -n').output.stdout.split('\n').slice(0, 2)).toEqual([
      'Kernel IP routing table',
      'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface',
    ]);
    expect(t.run('ip r').output.stdout).toContain('10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink \n');
    expect(t.run('ip link show nope').output).toEqual({ stdout: '', stderr: 'Device "nope" does not exist.\n', exitCode: 1 });
    expect(t.run('ip foo').output.stderr).toBe('Object "foo" is unknown, try "ip help".\n');
    expect(t.run('arp -n').output.stdout.split('\n')[0]).toBe('Address                  HWtype  HWaddress           Flags Mask            Iface');
    expect(t.run('bridge fdb show dev flannel.1').output.stdout).toMatch(/^([0-9a-f:]{17} dst 192\.168\.49\.3 self permanent\n)+$/);
  });

  it('cat of the files flannel and the CNI write', () => {
    const t = terminal(testLab({}, 2));
    t.run('docker exec -it minikube-m02 bash');
    expect(t.run('cat /run/flannel/subnet.env').output.stdout).toBe('FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
    expect(t.run('cat /etc/cni/net.d/10-flannel.conflist').output.stdout).toContain('"type": "flannel"');
    expect(t.run('cat /etc/resolv.conf').output.stdout).toBe('nameserver 192.168.49.1\noptions edns0 trust-ad ndots:0\n');
    expect(t.run('cat /etc/shadow').output).toEqual({ stdout: '', stderr: 'cat: /etc/shadow: No such file or directory\n', exitCode: 1 });
  });

  it('iptables reads print at once; a flush is a command; errors are iptables\'s own', () => {
    const t = terminal(testLab({}, 1));
    t.run('docker exec -it minikube bash');
    expect(t.run('iptables -t nat -S | grep -c KUBE-SERVICES').output.exitCode).toBe(0);
    expect(t.applied).toEqual([]);
    expect(t.run('iptables -F').output).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(t.applied).toEqual(['iptables']);
    expect(t.run('iptables -t nope -L').output.exitCode).not.toBe(0);
    expect(t.applied).toEqual(['iptables']);
    expect(t.run('iptables-save -t nat').output.stdout).toMatch(/^# Generated by iptables-save v1\.8\.9 \(nf_tables\) on Sun Nov 22 09:00:02 2026\n\*nat\n/);
    expect(t.run('conntrack -L').output).toEqual({ stdout: '', stderr: 'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been shown.\n', exitCode: 0 });
  });
});

describe('a pod shell', () => {
  it('reads its own netns and kubelet\'s files', () => {
    const t = terminal(testLab({}, 1));
    t.run('kubectl run app --image nicolaka/netshoot');
    const pod = t.state.pods.get('default/app')!;
    t.run('kubectl exec -it app -- bash');
    expect(t.run('ip a | grep "inet "').output.stdout).toBe(`    inet 127.0.0.1/8 scope host lo\n    inet ${pod.ip}/24 brd 10.244.0.255 scope global eth0\n`);
    expect(t.run('cat /etc/resolv.conf').output.stdout).toBe('nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
    expect(t.run('cat /etc/hosts | tail -1').output.stdout).toBe(`${pod.ip}\tapp\n`);
  });

  it('telnet, nc, curl and ping answer as the images listen (postgres 5432, nginx 80, netshoot nothing)', () => {
    const t = terminal(testLab({}, 2));
    t.run('kubectl run app --image nicolaka/netshoot');
    t.run('kubectl run db --image postgres');
    t.run('kubectl run web --image nginx');
    const db = t.state.pods.get('default/db')!.ip;
    const web = t.state.pods.get('default/web')!.ip;
    const appIp = t.state.pods.get('default/app')!.ip;
    t.run('kubectl exec -it app -- bash');
    expect(t.run(`telnet ${db} 5432`).output).toEqual({ stdout: `Trying ${db}...\nConnected to ${db}.\nEscape character is '^]'.\n`, stderr: '', exitCode: 0 });
    expect(t.run(`telnet ${db} 5433`).output).toEqual({ stdout: `Trying ${db}...\n`, stderr: 'telnet: Unable to connect to remote host: Connection refused\n', exitCode: 1 });
    expect(t.run(`nc -zv ${db} 5432`).output.stderr).toBe(`Connection to ${db} 5432 port [tcp/postgresql] succeeded!\n`);
    expect(t.run(`curl -s http://${web}/`).output.stdout).toContain('Welcome to nginx!');
    expect(t.run(`ping -c 2 ${web}`).output.stdout).toMatch(new RegExp(`^PING ${web.replace(/\./g, '\\.')} \\(${web.replace(/\./g, '\\.')}\\) 56\\(84\\) bytes of data\\.\n`));
    expect(t.run('telnet nowhere 80').output.stderr).toBe('telnet: could not resolve nowhere/80: Name does not resolve\n');
    expect(t.run('nslookup nowhere').output).toMatchObject({ stdout: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nowhere: NXDOMAIN\n\n", exitCode: 1 });
    const trace = t.run(`traceroute ${web}`).output;
    expect(trace.stdout.split('\n')[0]).toMatch(new RegExp(`^traceroute to ${web} \\(${web}\\), 30 hops max, \\d+ byte packets$`));
    expect(t.run(`nc -zv ${web} 81`).output).toMatchObject({ stderr: `nc: connect to ${web} port 81 (tcp) failed: Connection refused\n`, exitCode: 1 });
    t.run('exit');
    expect(t.run(`kubectl exec db -- telnet ${appIp} 80`).output.stderr).toBe('telnet: Unable to connect to remote host: Connection refused\ncommand terminated with exit code 1\n');
  });
});

describe('tracepath in a pod', () => {
  it('probes with the route MTU of the pod eth0, hop by hop to the pod on the other node; without a host it prints its usage', () => {
    const state = testLab({}, 2);
    appPod(state, 'app', 'minikube', 'nicolaka/netshoot');
    appPod(state, 'web', 'minikube-m02', 'nginx');
    const t = terminal(state);
    const web = state.pods.get('default/web')!;
    t.run('kubectl exec -it app -- bash');
    const lines = t.run(`tracepath -n ${web.ip}`).output.stdout.split('\n');
    expect(lines[0]).toBe(' 1?: [LOCALHOST]                      pmtu 1450');
    expect(lines.at(-3)).toMatch(new RegExp(`^ 3:  ${web.ip.replace(/\./g, '\\.')} +\\d+\\.\\d{3}ms reached$`));
    expect(lines.at(-2)).toBe('     Resume: pmtu 1450 hops 3 back 3 ');
    const usage = t.run('tracepath').output;
    expect(usage).toMatchObject({ stdout: '', exitCode: 255 });
    expect(usage.stderr).toMatch(/^Usage\n  tracepath \[options\] <destination>\n/);
    expect(t.run('tracepath -n nowhere').output).toEqual({ stdout: '', stderr: 'tracepath: nowhere: Name or service not known\n', exitCode: 1 });
  });
});

describe('tracepath on a node', () => {
  it("sizes its first probe to the node's eth0 MTU (the cluster's)", () => {
    const state = testLab({ mtu: 9000 }, 2);
    appPod(state, 'web', 'minikube-m02', 'nginx');
    const t = terminal(state);
    t.run('minikube ssh');
    expect(t.run(`tracepath -n ${state.pods.get('default/web')!.ip}`).output.stdout.split('\n')[0]).toBe(' 1?: [LOCALHOST]                      pmtu 9000');
  });
});

describe('busybox and brief listings', () => {
  it("busybox's telnet words it its own way", () => {
    const t = terminal(testLab({}, 1));
    t.run('kubectl run db --image postgres');
    t.run('kubectl run bb --image busybox -- sleep 3600');
    const db = t.state.pods.get('default/db')!.ip;
    expect(t.run(`kubectl exec bb -- telnet ${db} 5432`).output).toEqual({ stdout: `Connected to ${db}\n`, stderr: '', exitCode: 0 });
    expect(t.run(`kubectl exec bb -- telnet ${db} 80`).output.stderr).toBe(`telnet: can't connect to remote host (${db}): Connection refused\ncommand terminated with exit code 1\n`);
  });

  it('ip -br a and ip -br link', () => {
    const t = terminal(testLab({}, 1));
    t.run('kubectl run app --image nicolaka/netshoot');
    const pod = t.state.pods.get('default/app')!;
    const lines = t.run('kubectl exec app -- ip -br a').output.stdout.split('\n');
    expect(lines[0]).toBe('lo               UNKNOWN        127.0.0.1/8 ');
    expect(lines[1]).toMatch(new RegExp(`^eth0@if\\d+ +UP {13}${pod.ip.replace(/\./g, '\\.')}/24 ($|fe80::)`));
    expect(t.run('docker exec minikube ip -br link show flannel.1').output.stdout).toMatch(/^flannel\.1 {8}UNKNOWN {8}[0-9a-f:]{17} <BROADCAST,MULTICAST,UP,LOWER_UP> \n$/);
  });
});

describe('kubectl run attached', () => {
  it('-it --rm with a shell enters the pod; exit deletes it', () => {
    const t = terminal(testLab({}, 1));
    const entered = t.run('kubectl run tmp --rm -it --image busybox -- sh');
    expect(entered).toMatchObject({ prompt: '/ # ', output: { stdout: "If you don't see a command prompt, try pressing enter.\n" } });
    expect(t.state.pods.has('default/tmp')).toBe(true);
    const left = t.run('exit');
    expect(left).toMatchObject({ prompt: '$ ', output: { stdout: "exit\nSession ended, resume using 'kubectl attach tmp -c tmp -i -t' command when the pod is running\npod \"tmp\" deleted\n" } });
    expect(t.state.pods.has('default/tmp')).toBe(false);
  });

  it('-i --rm with a command prints its output, then deletes the pod', () => {
    const t = terminal(testLab({}, 1));
    t.run('kubectl run db --image postgres');
    const db = t.state.pods.get('default/db')!.ip;
    const out = t.run(`kubectl run probe --rm -i --restart=Never --image nicolaka/netshoot -- nc -zv ${db} 5432`);
    expect(out.output).toEqual({ stdout: 'pod "probe" deleted\n', stderr: `Connection to ${db} 5432 port [tcp/postgresql] succeeded!\n`, exitCode: 0 });
    expect(t.state.pods.has('default/probe')).toBe(false);
    expect(t.applied.slice(-2)).toEqual(['createPod', 'deletePod']);
  });
});

describe('users and hostnames', () => {
  it('minikube ssh logs in as docker: netfilter needs sudo, as on the node', () => {
    const t = terminal(testLab({}, 1));
    t.run('minikube ssh');
    expect(t.run('whoami').output.stdout).toBe('docker\n');
    expect(t.run('iptables -t nat -L').output).toEqual({ stdout: '', stderr: 'iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n', exitCode: 4 });
    expect(t.run('sudo iptables -t nat -L | head -1').output.stdout).toBe('Chain PREROUTING (policy ACCEPT)\n');
    expect(t.run('sudo iptables -F').output.exitCode).toBe(0);
    expect(t.applied).toEqual(['iptables']);
    expect(t.run('sudo nope').output).toEqual({ stdout: '', stderr: 'sudo: nope: command not found\n', exitCode: 1 });
    expect(t.run('sudo whoami').output.stdout).toBe('root\n');
    expect(t.run('whoami').prompt).toBe('docker@minikube:~$ ');
  });

  it('a hostNetwork pod has the node\'s hostname in its prompt', () => {
    const t = terminal(testLab({}, 1));
    const proxy = [...t.state.pods.values()].find((p) => p.name.startsWith('kube-proxy-'))!;
    expect(t.run(`kubectl exec -it ${proxy.name} -n kube-system -- sh`).prompt).toBe('root@minikube:/# ');
    expect(t.run('hostname').output.stdout).toBe('minikube\n');
  });
});

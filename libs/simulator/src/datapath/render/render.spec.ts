import { applyCommand } from '../../model/apply';
import { denyAll, labWith, minikubeFlannel, runPod } from '../lab-fixtures';
import { trace } from '../trace';
import { renderPing } from './ping';
import { renderCurl, renderNcZv, renderTelnet } from './tcp-clients';
import { renderTraceroute } from './traceroute';
import { renderTracepath } from './tracepath';

const flannel = minikubeFlannel();
const db = flannel.pods.get('default/db')!;

function calicoWithDenyAll() {
  const state = labWith({ cni: { plugin: 'calico' } }, 1);
  runPod(state, 'app', 'nicolaka/netshoot', undefined, { app: 'app' });
  runPod(state, 'db', 'postgres', undefined, { app: 'database' });
  applyCommand(state, { type: 'applyNetworkPolicy', policy: denyAll });
  return state;
}

describe('renderPing', () => {
  it('prints iputils ping lines with the traced ttl, a slower first reply (ARP) and the statistics', () => {
    const output = renderPing(trace(flannel, { from: 'default/app', to: 'default/db', protocol: 'ICMP' }), { ip: db.ip, count: 2 });
    const lines = output.stdout.split('\n');
    expect(lines[0]).toBe(`PING ${db.ip} (${db.ip}) 56(84) bytes of data.`);
    expect(lines[1]).toMatch(new RegExp(`^64 bytes from ${db.ip.replace(/\./g, '\\.')}: icmp_seq=1 ttl=62 time=0\\.\\d{3} ms$`));
    expect(lines[2]).toMatch(/^64 bytes from .*: icmp_seq=2 ttl=62 time=0\.\d{3} ms$/);
    const [first, second] = [lines[1], lines[2]].map((line) => Number(/time=([\d.]+)/.exec(line)![1]));
    expect(first).toBeGreaterThan(second);
    expect(lines.slice(3)).toEqual([
      '',
      `--- ${db.ip} ping statistics ---`,
      expect.stringMatching(/^2 packets transmitted, 2 received, 0% packet loss, time 10\d\dms$/),
      expect.stringMatching(/^rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/),
      '',
    ]);
    expect(output.exitCode).toBe(0);
  });

  it('a policy drop is silence and 100% loss (exit 1)', () => {
    const state = calicoWithDenyAll();
    const ip = state.pods.get('default/db')!.ip;
    const output = renderPing(trace(state, { from: 'default/app', to: 'default/db', protocol: 'ICMP' }), { ip, count: 3 });
    expect(output.stdout).toBe(`PING ${ip} (${ip}) 56(84) bytes of data.\n\n--- ${ip} ping statistics ---\n3 packets transmitted, 0 received, 100% packet loss, time 2009ms\n\n`);
    expect(output.exitCode).toBe(1);
  });
});

describe('renderTelnet', () => {
  it('connects to postgres on 5432 (stdout only)', () => {
    expect(renderTelnet(trace(flannel, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' }), { ip: db.ip })).toEqual({
      stdout: `Trying ${db.ip}...\nConnected to ${db.ip}.\nEscape character is '^]'.\n`,
      stderr: '',
      exitCode: 0,
    });
  });

  it('a closed port is refused, a policy drop times out; the error goes to stderr', () => {
    expect(renderTelnet(trace(flannel, { from: 'default/app', to: 'default/db', port: 543, protocol: 'TCP' }), { ip: db.ip })).toEqual({
      stdout: `Trying ${db.ip}...\n`,
      stderr: 'telnet: Unable to connect to remote host: Connection refused\n',
      exitCode: 1,
    });
    const state = calicoWithDenyAll();
    const ip = state.pods.get('default/db')!.ip;
    expect(renderTelnet(trace(state, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' }), { ip }).stderr).toBe(
      'telnet: Unable to connect to remote host: Connection timed out\n',
    );
  });
});

describe('renderNcZv and renderCurl', () => {
  it('nc -zv reports success and refusal as OpenBSD nc does', () => {
    expect(renderNcZv(trace(flannel, { from: 'default/app', to: 'default/db', port: 5432, protocol: 'TCP' }), { ip: db.ip, port: 5432 }).stderr).toBe(
      `Connection to ${db.ip} 5432 port [tcp/postgresql] succeeded!\n`,
    );
    expect(renderNcZv(trace(flannel, { from: 'default/app', to: 'default/db', port: 9090, protocol: 'TCP' }), { ip: db.ip, port: 9090 }).stderr).toBe(
      `nc: connect to ${db.ip} port 9090 (tcp) failed: Connection refused\n`,
    );
  });

  it('curl gets the nginx welcome page, an empty reply from postgres, and connect errors', () => {
    const state = labWith({}, 1);
    runPod(state, 'client', 'busybox');
    runPod(state, 'web', 'nginx:1.27');
    runPod(state, 'db', 'postgres');
    const web = state.pods.get('default/web')!.ip;
    const page = renderCurl(trace(state, { from: 'default/client', to: 'default/web', port: 80, protocol: 'TCP' }), { ip: web, port: 80 });
    expect(page.stdout).toContain('<h1>Welcome to nginx!</h1>');
    const pg = state.pods.get('default/db')!.ip;
    expect(renderCurl(trace(state, { from: 'default/client', to: 'default/db', port: 5432, protocol: 'TCP' }), { ip: pg, port: 5432 })).toMatchObject({
      stderr: 'curl: (52) Empty reply from server\n',
      exitCode: 52,
    });
    expect(renderCurl(trace(state, { from: 'default/client', to: 'default/web', port: 81, protocol: 'TCP' }), { ip: web, port: 81 })).toMatchObject({
      stderr: expect.stringMatching(new RegExp(`^curl: \\(7\\) Failed to connect to ${web.replace(/\./g, '\\.')} port 81 after \\d+ ms: Couldn't connect to server\\n$`)),
      exitCode: 7,
    });
  });
});

describe('renderTraceroute', () => {
  it('lists the forwarding addresses facing the sender, then the destination', () => {
    const output = renderTraceroute(trace(flannel, { from: 'default/app', to: 'default/db', port: 33434, protocol: 'UDP' }), { ip: db.ip });
    const lines = output.stdout.split('\n');
    expect(lines[0]).toBe(`traceroute to ${db.ip} (${db.ip}), 30 hops max, 60 byte packets`);
    expect(lines.slice(1, 4).map((line) => line.slice(0, 16).trimEnd())).toEqual([' 1  10.244.1.1', ' 2  10.244.2.0', ` 3  ${db.ip}`]);
    expect(lines[1]).toMatch(/^ 1  10\.244\.1\.1  \d\.\d{3} ms  \d\.\d{3} ms  \d\.\d{3} ms$/);
  });

  it('prints stars up to 30 hops after a silent drop', () => {
    const state = calicoWithDenyAll();
    const ip = state.pods.get('default/db')!.ip;
    const lines = renderTraceroute(trace(state, { from: 'default/app', to: 'default/db', port: 33434, protocol: 'UDP' }), { ip }).stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(31);
    expect(lines[30]).toBe('30  * * *');
  });
});

describe('renderTracepath', () => {
  const probe = (state: typeof flannel, to: string, pmtu: number) => trace(state, { from: 'default/app', to, port: 44444, protocol: 'UDP', size: pmtu });

  it('cross-node on flannel: the route MTU, the first hop twice, reached at the pod, hops 3 back 3', () => {
    const { stdout } = renderTracepath(probe(flannel, 'default/db', 1450), { pmtu: 1450 });
    expect(stdout).toBe(
      [
        ' 1?: [LOCALHOST]                      pmtu 1450',
        ` 1:  10.244.1.1${' '.repeat(42)}  0.040ms `,
        ` 1:  10.244.1.1${' '.repeat(42)}  0.053ms `,
        ` 2:  10.244.2.0${' '.repeat(42)}  0.130ms `,
        ` 3:  ${db.ip.padEnd(52)}  0.220ms reached`,
        '     Resume: pmtu 1450 hops 3 back 3 ',
        '',
      ].join('\n'),
    );
  });

  it('-b prints the address twice (no reverse DNS in the lab); a bridged neighbour is reached at once (back 1)', () => {
    runPod(flannel, 'peer', 'busybox', 'minikube-m02');
    const peer = flannel.pods.get('default/peer')!.ip;
    const lines = renderTracepath(probe(flannel, 'default/peer', 1450), { pmtu: 1450, both: true }).stdout.split('\n');
    expect(lines[1]).toBe(` 1:  ${`${peer} (${peer})`.padEnd(52)}  0.040ms reached`);
    expect(lines.slice(3)).toEqual(['     Resume: pmtu 1450 hops 1 back 1 ', '']);
  });

  it("a Service without endpoints: the node answers TTL 1, then its REJECT's port unreachable is reached one hop on (back 1)", () => {
    const state = minikubeFlannel();
    applyCommand(state, { type: 'applyService', service: { namespace: 'default', name: 'empty', selector: { app: 'none' }, ports: [{ port: 44444, protocol: 'UDP' }] } });
    const lines = renderTracepath(trace(state, { from: 'default/app', to: 'empty.default', port: 44444, protocol: 'UDP', size: 1450 }), { pmtu: 1450 }).stdout.split('\n');
    expect(lines.slice(1, 4).map((line) => line.replace(/ +/g, ' '))).toEqual([' 1: 10.244.1.1 0.040ms ', ' 1: 10.244.1.1 0.053ms ', ' 2: 10.244.1.1 0.130ms reached']);
    expect(lines[4]).toBe('     Resume: pmtu 1450 hops 2 back 1 ');
  });

  it('a silent drop: the hops before it, then no reply up to 30 and Too many hops', () => {
    const state = calicoWithDenyAll();
    const lines = renderTracepath(probe(state, 'default/db', 1480), { pmtu: 1480 }).stdout.trimEnd().split('\n');
    expect(lines.at(-3)).toBe('30:  no reply');
    expect(lines.slice(-2)).toEqual(['     Too many hops: pmtu 1480', '     Resume: pmtu 1480']);
    // calico routes even on one node: the node answers time exceeded for TTL 1, the policy swallows the rest.
    expect(lines.slice(1, 3).map((line) => line.slice(0, 5))).toEqual([' 1:  ', ' 1:  ']);
    expect(lines.filter((line) => line.endsWith('no reply'))).toHaveLength(29);
  });
});

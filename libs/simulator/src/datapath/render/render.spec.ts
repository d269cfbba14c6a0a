import { applyCommand } from '../../model/apply';
import { denyAll, labWith, minikubeFlannel, runPod } from '../lab-fixtures';
import { trace } from '../trace';
import { renderPing } from './ping';
import { renderCurl, renderNcZv, renderTelnet } from './tcp-clients';
import { renderTraceroute } from './traceroute';

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

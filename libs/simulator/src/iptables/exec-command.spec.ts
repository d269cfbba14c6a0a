import { createNetfilter, iptablesRestore, runIptables } from './index';

const TRY = "Try `iptables -h' or 'iptables --help' for more information.\n";

describe('iptables bad input: iptables 1.8.9 (nf_tables) messages and exit codes', () => {
  it.each([
    [['-t', 'foo', '-L'], `iptables v1.8.9 (nf_tables): table 'foo' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n${TRY}`, 2],
    [['-A', 'NOPE', '-j', 'ACCEPT'], 'iptables: No chain/target/match by that name.\n', 1],
    [['-F', 'NOPE'], 'iptables: No chain/target/match by that name.\n', 1],
    [['-L', 'NOPE'], "iptables v1.8.9 (nf_tables): chain `NOPE' in table `filter' is incompatible, use 'nft' tool.\n", 1],
    [['-A', 'INPUT', '-j', 'NOPE'], `iptables v1.8.9 (nf_tables): Chain 'NOPE' does not exist\n${TRY}`, 2],
    [['-A', 'INPUT', '--bogus'], `iptables v1.8.9 (nf_tables): unknown option "--bogus"\n${TRY}`, 2],
    [['-A', 'INPUT', '-s'], `iptables v1.8.9 (nf_tables): option "-s" requires an argument\n${TRY}`, 2],
    [['-A'], `iptables v1.8.9 (nf_tables): option "-A" requires an argument\n${TRY}`, 2],
    [['-A', 'INPUT', '--dport', '80', '-j', 'ACCEPT'], `iptables v1.8.9 (nf_tables): unknown option "--dport"\n${TRY}`, 2],
    [['-A', 'INPUT', '-p', 'tcp', '--dport', 'abc', '-j', 'ACCEPT'], `iptables v1.8.9 (nf_tables): invalid port/service \`abc' specified\n${TRY}`, 2],
    [['-A', 'INPUT', '-s', '1.2.3.999', '-j', 'ACCEPT'], `iptables v1.8.9 (nf_tables): host/network \`1.2.3.999' not found\n${TRY}`, 2],
    [['-A', 'INPUT', '-p', 'foo', '-j', 'ACCEPT'], `iptables v1.8.9 (nf_tables): unknown protocol "foo" specified\n${TRY}`, 2],
    [['-D', 'INPUT', '-j', 'DROP'], 'iptables: Bad rule (does a matching rule exist in that chain?).\n', 1],
    [['-D', 'INPUT', '5'], 'iptables: Index of deletion too big.\n', 1],
    [['-I', 'INPUT', '9', '-j', 'DROP'], 'iptables: Index of insertion too big.\n', 1],
    [['-X', 'INPUT'], 'iptables v1.8.9 (nf_tables):  CHAIN_DEL failed (Device or resource busy): chain INPUT\n', 4],
    [[], `iptables v1.8.9 (nf_tables): no command specified\n${TRY}`, 2],
    [['-t', 'nat', '-A', 'PREROUTING', '-j', 'DNAT'], `iptables v1.8.9 (nf_tables): DNAT: option "--to-destination" must be specified\n\n${TRY}`, 2],
    [['-A', 'INPUT', '-j', 'REJECT', '--reject-with', 'foo'], `iptables v1.8.9 (nf_tables): unknown reject type "foo"\n${TRY}`, 2],
    [['-A', 'INPUT', '-j', 'ACCEPT', 'extra'], `Bad argument \`extra'\n${TRY}`, 2],
    [['-A', 'INPUT', '-j', 'ACCEPT', '-F'], `iptables v1.8.9 (nf_tables): Cannot use -F with -A\n${TRY}`, 2],
    [['-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'NEW,FOO', '-j', 'ACCEPT'], `iptables v1.8.9 (nf_tables): Bad ctstate "FOO"\n${TRY}`, 2],
    [['-A', 'INPUT', '-m', 'state', '--state', 'new,bar', '-j', 'ACCEPT'], `iptables v1.8.9 (nf_tables): Bad state "BAR"\n${TRY}`, 2],
    [['-A', 'INPUT', '-m', 'foo'], `iptables v1.8.9 (nf_tables): Couldn't load match \`foo':No such file or directory\n\n${TRY}`, 2],
    [['-A', 'INPUT', '-p', 'tcp', '--dport', '80', '--dport', '81'], `iptables v1.8.9 (nf_tables): Only one \`--destination-port' allowed\n${TRY}`, 2],
    [['-t', 'nat', '-A', 'POSTROUTING', '-i', 'eth0', '-j', 'ACCEPT'], `iptables v1.8.9 (nf_tables): Can't use -i with POSTROUTING\n\n${TRY}`, 2],
    [['-A', 'INPUT', '-s', '10.0.0.1/33'], `iptables v1.8.9 (nf_tables): invalid mask \`33' specified\n${TRY}`, 2],
    [['-P', 'INPUT', 'FOO'], "iptables: Bad policy name. Run `dmesg' for more information.\n", 1],
    [['-A', 'INPUT', '-j', 'DNAT', '--to-destination', '1.2.3.4'], 'iptables v1.8.9 (nf_tables):  RULE_APPEND failed (Invalid argument): rule in chain INPUT\n', 4],
  ])('iptables %j', (args, stderr, exitCode) => {
    const netfilter = createNetfilter();
    expect(runIptables(netfilter, args)).toEqual({ stdout: '', stderr, exitCode });
  });

  it('refuses to delete a chain that is in use, and -X deletes nothing while a built-in chain jumps to a user chain', () => {
    const netfilter = createNetfilter();
    for (const args of [['-N', 'A'], ['-N', 'B'], ['-A', 'A', '-j', 'B'], ['-A', 'INPUT', '-j', 'B'], ['-N', 'B']]) runIptables(netfilter, args);
    expect(runIptables(netfilter, ['-N', 'B']).stderr).toBe('iptables: Chain already exists.\n');
    expect(runIptables(netfilter, ['-X', 'B']).exitCode).toBe(4);
    expect(runIptables(netfilter, ['-X']).stderr).toBe('iptables v1.8.9 (nf_tables):  CHAIN_DEL failed (Device or resource busy): chain B\n');
    expect([...netfilter.filter.chains.keys()]).toEqual(['INPUT', 'FORWARD', 'OUTPUT', 'A', 'B']);
    runIptables(netfilter, ['-F']);
    expect(runIptables(netfilter, ['-X']).exitCode).toBe(0);
    expect([...netfilter.filter.chains.keys()]).toEqual(['INPUT', 'FORWARD', 'OUTPUT']);
  });
});

describe('iptables rules and views', () => {
  it('prints user rules in save order and the -L forms iptables 1.8.9 prints', () => {
    const netfilter = createNetfilter();
    runIptables(netfilter, ['-A', 'INPUT', '!', '-s', '1.2.3.4', '!', '-d', '1.1.1.0/24', '!', '-p', 'udp', '-j', 'ACCEPT']);
    runIptables(netfilter, ['-A', 'INPUT', '-p', 'tcp', '!', '--dport', '80:90', '--sport', '1000', '-j', 'DROP']);
    runIptables(netfilter, ['-I', 'INPUT', '2', '-p', 'icmp', '-j', 'DROP']);
    runIptables(netfilter, ['-A', 'INPUT', '-j', 'MARK', '--and-mark', '0xfff']);
    expect(runIptables(netfilter, ['-S', 'INPUT']).stdout).toBe(
      [
        '-P INPUT ACCEPT',
        '-A INPUT ! -s 1.2.3.4/32 ! -d 1.1.1.0/24 ! -p udp -j ACCEPT',
        '-A INPUT -p icmp -j DROP',
        '-A INPUT -p tcp -m tcp --sport 1000 ! --dport 80:90 -j DROP',
        '-A INPUT -j MARK --set-xmark 0x0/0xfffff000',
        '',
      ].join('\n'),
    );
    expect(runIptables(netfilter, ['-nvL', 'INPUT']).stdout).toBe(
      [
        'Chain INPUT (policy ACCEPT 0 packets, 0 bytes)',
        ' pkts bytes target     prot opt in     out     source               destination         ',
        '    0     0 ACCEPT    !17   --  *      *      !1.2.3.4             !1.1.1.0/24          ',
        '    0     0 DROP       1    --  *      *       0.0.0.0/0            0.0.0.0/0           ',
        '    0     0 DROP       6    --  *      *       0.0.0.0/0            0.0.0.0/0            tcp spt:1000 dpts:!80:90',
        '    0     0 MARK       0    --  *      *       0.0.0.0/0            0.0.0.0/0            MARK and 0xfff',
        '',
      ].join('\n'),
    );
    expect(runIptables(netfilter, ['-L', 'INPUT']).stdout.split('\n')[4]).toBe(
      'DROP       tcp  --  anywhere             anywhere             tcp spt:1000 dpts:!http:90',
    );
  });

  it('counts with K/M suffixes without -x, and zeroes counters with -Z', () => {
    const netfilter = createNetfilter();
    runIptables(netfilter, ['-A', 'INPUT', '-j', 'ACCEPT']);
    netfilter.filter.chains.get('INPUT')!.rules[0].counters = { packets: 123456, bytes: 98765432 };
    expect(runIptables(netfilter, ['-vnL', 'INPUT']).stdout.split('\n')[2].slice(0, 12)).toBe(' 123K   99M ');
    expect(runIptables(netfilter, ['-vnxL', 'INPUT']).stdout.split('\n')[2].slice(0, 18)).toBe('  123456 98765432 ');
    runIptables(netfilter, ['-Z']);
    expect(netfilter.filter.chains.get('INPUT')!.rules[0].counters).toEqual({ packets: 0, bytes: 0 });
  });
});

describe('iptables-restore', () => {
  it('fails on a jump to a missing chain without changing that table, keeping tables committed before', () => {
    const netfilter = createNetfilter();
    const result = iptablesRestore(
      netfilter,
      '*filter\n:KUBE-A - [0:0]\nCOMMIT\n*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -j KUBE-SVC-NOPE\nCOMMIT\n',
      { noflush: true },
    );
    expect(result).toEqual({
      ok: false,
      stderr: "iptables-restore v1.8.9 (nf_tables): Chain 'KUBE-SVC-NOPE' does not exist\nError occurred at line: 6\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\n",
      exitCode: 2,
    });
    expect(netfilter.filter.chains.has('KUBE-A')).toBe(true);
    expect(netfilter.nat.chains.has('KUBE-SERVICES')).toBe(false);
  });

  it('with --noflush flushes declared user chains only, and deletes with -X', () => {
    const netfilter = createNetfilter();
    iptablesRestore(netfilter, '*nat\n:KUBE-A - [0:0]\n:KUBE-B - [0:0]\n-A KUBE-A -j ACCEPT\n-A KUBE-B -j ACCEPT\n-A PREROUTING -j ACCEPT\nCOMMIT\n', { noflush: true });
    iptablesRestore(netfilter, '*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-A - [0:0]\n:KUBE-B - [0:0]\n-X KUBE-B\nCOMMIT\n', { noflush: true });
    expect(runIptables(netfilter, ['-t', 'nat', '-S']).stdout).toBe('-P PREROUTING ACCEPT\n-P INPUT ACCEPT\n-P OUTPUT ACCEPT\n-P POSTROUTING ACCEPT\n-N KUBE-A\n-A PREROUTING -j ACCEPT\n');
  });

  it('reports a missing COMMIT and a rule for a missing chain as iptables-restore does', () => {
    expect(iptablesRestore(createNetfilter(), '*nat\n-A KUBE-SERVICES -j ACCEPT\n', { noflush: true })).toEqual({
      ok: false, stderr: 'iptables-restore: line 2 failed: No chain/target/match by that name.\n', exitCode: 1,
    });
    expect(iptablesRestore(createNetfilter(), '*nat\n:KUBE-A - [0:0]\n', { noflush: true })).toEqual({
      ok: false, stderr: 'iptables-restore: COMMIT expected at line 3\n', exitCode: 1,
    });
  });
});

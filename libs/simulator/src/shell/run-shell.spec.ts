import { runShell } from './run-shell';
import { terminal, testLab, EPOCH } from './test-lab';
import { WORKSTATION } from './context';

describe('runShell', () => {
  it('reads finish at once and never change the state', () => {
    const state = testLab({}, 1);
    const version = state.version;
    const step = runShell(state, [WORKSTATION], 'kubectl get nodes | wc -l', { now: 1000, epochMs: EPOCH });
    expect(step).toMatchObject({ kind: 'done', output: { stdout: '2\n', stderr: '', exitCode: 0 }, prompt: '$ ' });
    expect(state.version).toBe(version);
  });

  it('a change stops at the mutation with its commands; resume prints the outcome and runs the rest of the line', () => {
    const state = testLab({}, 1);
    const step = runShell(state, [WORKSTATION], 'kubectl run app --image nginx && kubectl get po --no-headers | wc -l', { now: 1000, epochMs: EPOCH });
    expect(step.kind).toBe('mutation');
    if (step.kind !== 'mutation') return;
    expect(step.commands).toEqual([{ type: 'createPod', namespace: 'default', name: 'app', labels: { run: 'app' }, containers: [{ name: 'app', image: 'nginx' }] }]);
    expect(state.pods.has('default/app')).toBe(false);
    const t = terminal(state);
    const done = t.run('kubectl run app --image nginx && kubectl get po --no-headers | wc -l');
    expect(done.output).toEqual({ stdout: 'pod/app created\n1\n', stderr: '', exitCode: 0 });
  });

  it('a refused change prints the refusal and stops an && chain', () => {
    const state = testLab({}, 1);
    const step = runShell(state, [WORKSTATION], 'kubectl run app --image nginx && echo after; echo always', { now: 1000, epochMs: EPOCH });
    if (step.kind !== 'mutation') throw new Error('expected a mutation');
    const refused = step.refused('Error from server (BadRequest): no', state, { now: 1000, epochMs: EPOCH });
    expect(refused).toMatchObject({ kind: 'done', output: { stdout: 'always\n', stderr: 'Error from server (BadRequest): no\n', exitCode: 0 } });
  });

  it('&&, || and ; as bash runs them', () => {
    const t = terminal(testLab());
    expect(t.run('false && echo a || echo b; echo c').output.stdout).toBe('b\nc\n');
    expect(t.run('true || echo a && echo b').output.stdout).toBe('b\n');
    expect(t.run('false; echo $?x').output.stdout).toBe('1x\n');
  });

  it('pipes stdout, not stderr; 2>&1 joins them; /dev/null swallows', () => {
    const t = terminal(testLab({}, 1));
    expect(t.run('kubectl get po nope | wc -l').output).toEqual({ stdout: '0\n', stderr: 'Error from server (NotFound): pods "nope" not found\n', exitCode: 0 });
    expect(t.run('kubectl get po nope 2>&1 | wc -l').output).toEqual({ stdout: '1\n', stderr: '', exitCode: 0 });
    expect(t.run('kubectl get po nope 2>/dev/null').output).toEqual({ stdout: '', stderr: '', exitCode: 1 });
    expect(t.run('echo x > notes.txt').output).toEqual({ stdout: '', stderr: 'bash: notes.txt: Read-only file system\n', exitCode: 1 });
  });

  it('unknown commands are bash\'s "command not found" (127); syntax errors exit 2', () => {
    const t = terminal(testLab());
    expect(t.run('foo --bar').output).toEqual({ stdout: '', stderr: 'bash: foo: command not found\n', exitCode: 127 });
    expect(t.run('ip a').output.exitCode).toBe(127);
    expect(t.run('echo "x').output).toEqual({ stdout: '', stderr: 'bash: unexpected EOF while looking for matching `"\'\n', exitCode: 2 });
  });

  it('contexts: docker exec and minikube ssh enter nodes, kubectl exec -it a pod, exit goes back, prompts as the real ones', () => {
    const t = terminal(testLab({}, 2));
    t.run('kubectl run app --image nicolaka/netshoot');
    t.run('kubectl run db --image postgres');
    t.run('kubectl run bb --image busybox');
    expect(t.run('docker exec -it minikube-m02 bash').prompt).toBe('root@minikube-m02:/# ');
    expect(t.run('hostname').output.stdout).toBe('minikube-m02\n');
    expect(t.run('exit')).toMatchObject({ prompt: '$ ', output: { stdout: 'exit\n' } });
    expect(t.run('minikube ssh -n m02').prompt).toBe('docker@minikube-m02:~$ ');
    expect(t.run('exit').prompt).toBe('$ ');
    expect(t.run('kubectl exec -it app -- bash').prompt).toBe('app:~# ');
    expect(t.run('hostname; exit').output.stdout).toBe('app\nexit\n');
    expect(t.run('kubectl exec -it db -- bash').prompt).toBe('root@db:/# ');
    t.run('exit');
    expect(t.run('kubectl exec -it bb -- sh').prompt).toBe('/ # ');
    expect(t.run('foo').output.stderr).toBe('sh: foo: not found\n');
    t.run('exit');
    expect(t.stack).toEqual([WORKSTATION]);
  });

  it('a context whose node or pod is gone sends the user back to the workstation', () => {
    const state = testLab({}, 1);
    const step = runShell(state, [WORKSTATION, { kind: 'node', node: 'gone', user: 'root' }], 'ip a', { now: 0, epochMs: EPOCH });
    expect(step).toMatchObject({ kind: 'done', stack: [WORKSTATION], output: { exitCode: 1, stderr: 'node gone does not exist in this lab; exit to the workstation\n' } });
  });

  it('is deterministic: the same line on the same state prints the same', () => {
    const a = terminal(testLab({}, 3)).run('kubectl get po -A -o wide; docker exec minikube ip a');
    const b = terminal(testLab({}, 3)).run('kubectl get po -A -o wide; docker exec minikube ip a');
    expect(a.output).toEqual(b.output);
  });
});

describe('command substitution at run time', () => {
  it('$(…) runs read-only in the same context; unquoted output is split into words', () => {
    const t = terminal(testLab({}, 2));
    t.run('kubectl run db --image postgres');
    t.run('kubectl run app --image nicolaka/netshoot');
    const db = t.state.pods.get('default/db')!.ip;
    expect(t.run(`kubectl exec app -- telnet $(kubectl get pod db -o jsonpath='{.status.podIP}') 5432`).output.stdout).toBe(
      `Trying ${db}...\nConnected to ${db}.\nEscape character is '^]'.\n`,
    );
    expect(t.run('echo x$(kubectl get po -o name)y').output.stdout).toBe('xpod/app pod/dby\n');
    expect(t.run('echo "x$(kubectl get po -o name)y"').output.stdout).toBe('xpod/app\npod/dby\n');
    expect(t.run('echo $(kubectl get po nope)').output).toEqual({ stdout: '\n', stderr: 'Error from server (NotFound): pods "nope" not found\n', exitCode: 0 });
    const before = t.applied.length;
    expect(t.run('echo $(kubectl run x --image nginx)').output.stderr).toBe('bash: $(kubectl run x --image nginx): the lab runs command substitutions read-only\n');
    expect(t.applied.length).toBe(before);
  });
});

describe('shell variables', () => {
  it('NAME=value sets a variable of the current shell; $NAME, ${NAME} and "$NAME" read it', () => {
    const t = terminal(testLab({}, 2));
    t.run('kubectl run db --image postgres');
    t.run('kubectl run app --image nicolaka/netshoot');
    const db = t.state.pods.get('default/db')!.ip;
    expect(t.run("DB=$(kubectl get pod db -o jsonpath='{.status.podIP}')").output).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect(t.run('echo $DB ${DB}x "[$DB]" \'$DB\'').output.stdout).toBe(`${db} ${db}x [${db}] $DB\n`);
    expect(t.run('kubectl exec app -- telnet $DB 5432 | head -1').output.stdout).toBe(`Trying ${db}...\n`);
    expect(t.run('echo $NOPE.').output.stdout).toBe('.\n');
    expect(t.run('PODS=$(kubectl get po -o name); echo "$PODS" | wc -l').output.stdout).toBe('2\n');
    expect(t.run('X=$(kubectl get po nope)').output).toEqual({ stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n', exitCode: 1 });
  });

  it('each shell has its own variables: a node shell does not see the workstation\'s', () => {
    const t = terminal(testLab({}, 1));
    t.run('A=1');
    t.run('docker exec -it minikube bash');
    expect(t.run('echo "[$A]"').output.stdout).toBe('[]\n');
    t.run('A=2');
    t.run('exit');
    expect(t.run('echo $A').output.stdout).toBe('1\n');
  });
});

import { WORKSTATION, type ShellStack } from '@hoplab/simulator/shell';
import { Channel, commandLine, ExecSession, TtyLineEditor, type LineResult } from './exec-session';

const podStack: ShellStack = [WORKSTATION, { kind: 'pod', namespace: 'default', name: 'app', shell: 'bash' }];

/** A pod shell that knows `echo`, `false` and `exit`, recording every line it ran. */
function fakeShell() {
  const ran: string[] = [];
  const run = async (line: string, stack: ShellStack): Promise<LineResult> => {
    ran.push(line);
    const base = { stdout: '', stderr: '', exitCode: 0, prompt: 'app:~# ', stack };
    if (line.startsWith('echo ')) return { ...base, stdout: `${line.slice(5)}\n` };
    if (line === 'false') return { ...base, exitCode: 1 };
    if (line === 'oops') return { ...base, stderr: 'bash: oops: command not found\n', exitCode: 127 };
    if (line === 'exit') return { ...base, stdout: 'exit\n', stack: stack.slice(0, -1), prompt: '$ ' };
    return base;
  };
  return { ran, run };
}

function session(argv: string[], flags: { stdin?: boolean; tty?: boolean }) {
  const shell = fakeShell();
  const frames: [number, string][] = [];
  let exitCode: number | undefined;
  const s = new ExecSession(
    { argv, stdin: flags.stdin ?? false, tty: flags.tty ?? false, stack: podStack },
    { run: shell.run, send: (channel, text) => frames.push([channel, text]), finish: (code) => (exitCode = code) },
  );
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { s, frames, ran: shell.ran, exitCode: () => exitCode, settle };
}

const stdin = (text: string) => Buffer.concat([Buffer.from([Channel.Stdin]), Buffer.from(text)]);
const closeStdin = Buffer.from([Channel.Close, Channel.Stdin]);

describe('commandLine', () => {
  it('runs `bash -c LINE` as LINE and quotes any other argv', () => {
    expect(commandLine(['/bin/bash', '-c', 'telnet 10.244.0.5 5432 | head -1'])).toBe('telnet 10.244.0.5 5432 | head -1');
    expect(commandLine(['telnet', '10.244.0.5', '5432'])).toBe('telnet 10.244.0.5 5432');
    expect(commandLine(['echo', "it's a b"])).toBe(`echo 'it'\\''s a b'`);
  });
});

describe('TtyLineEditor', () => {
  it('echoes keystrokes, erases with Backspace, completes lines on Enter, drops them on Ctrl-C, ends on Ctrl-D when empty', () => {
    const editor = new TtyLineEditor();
    expect(editor.feed('lz\x7fs\r')).toEqual([{ kind: 'echo', text: 'lz\b \bs\r\n' }, { kind: 'line', line: 'ls' }]);
    expect(editor.feed('ab\x03')).toEqual([{ kind: 'echo', text: 'ab^C\r\n' }, { kind: 'interrupt' }]);
    expect(editor.feed('x\x04')).toEqual([{ kind: 'echo', text: 'x' }]);
    expect(editor.feed('\x7f\x04')).toEqual([{ kind: 'echo', text: '\b \b' }, { kind: 'eof' }]);
  });
});

describe('ExecSession', () => {
  it('runs a command once: stdout and stderr on their channels, then its exit code', async () => {
    const t = session(['oops'], {});
    t.s.start();
    await t.settle();
    expect(t.frames).toEqual([[Channel.Stderr, 'bash: oops: command not found\n']]);
    expect(t.exitCode()).toBe(127);
  });

  it('feeds `-i` stdin line by line to the shell and ends with the last status when stdin closes', async () => {
    const t = session(['sh'], { stdin: true });
    t.s.start();
    t.s.receive(stdin('echo one\nfal'));
    t.s.receive(stdin('se\n'));
    t.s.receive(closeStdin);
    await t.settle();
    expect(t.ran).toEqual(['echo one', 'false']);
    expect(t.frames).toEqual([[Channel.Stdout, 'one\n']]);
    expect(t.exitCode()).toBe(1);
  });

  it('under a tty shows the prompt, echoes, answers in CRLF and leaves on exit with the previous status', async () => {
    const t = session(['bash'], { stdin: true, tty: true });
    t.s.start();
    t.s.receive(stdin('echo hi\r'));
    t.s.receive(stdin('false\r'));
    t.s.receive(stdin('exit\r'));
    t.s.receive(stdin('echo never\r'));
    await t.settle();
    expect(t.frames.map(([, text]) => text).join('')).toBe('app:~# echo hi\r\nhi\r\napp:~# false\r\napp:~# exit\r\nexit\r\n');
    expect(t.frames.every(([channel]) => channel === Channel.Stdout)).toBe(true);
    expect(t.exitCode()).toBe(1);
    expect(t.ran).not.toContain('echo never');
  });

  it('ignores stdin for a command that does not read it', async () => {
    const t = session(['echo', 'x'], { stdin: true });
    t.s.start();
    t.s.receive(stdin('echo y\n'));
    await t.settle();
    expect(t.ran).toEqual(['echo x']);
    expect(t.exitCode()).toBe(0);
  });
});

import type { ShellStack } from '@hoplab/simulator/shell';

/** The v5.channel.k8s.io channels (the first byte of every binary frame). */
export const enum Channel {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  Status = 3,
  Resize = 4,
  Close = 255,
}

/** What one shell line printed, and the context stack after it (`exit` pops the pod's frame). */
export interface LineResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  prompt: string;
  stack: ShellStack;
}

export interface ExecIo {
  /** Runs one line in the lab shell on `stack` (the server's ShellService). */
  run(line: string, stack: ShellStack): Promise<LineResult>;
  send(channel: Channel.Stdout | Channel.Stderr, text: string): void;
  /** Sends the exit status on channel 3 and closes the websocket (1000). */
  finish(exitCode: number): void;
}

export interface ExecRequest {
  argv: string[];
  stdin: boolean;
  tty: boolean;
  /** The pod's frame on top of the workstation: where every line runs. */
  stack: ShellStack;
}

const SHELLS = new Set(['bash', 'sh', 'ash', 'zsh']);
const isShell = (program: string | undefined) => program !== undefined && SHELLS.has(program.replace(/^.*\//, ''));

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The shell line an exec'd argv stands for: `bash -c "LINE"` is LINE, anything else the quoted argv. */
export function commandLine(argv: string[]): string {
  if (isShell(argv[0]) && argv[1] === '-c' && argv.length >= 3) return argv[2];
  return argv.map(quote).join(' ');
}

/** Is this exec a shell reading its commands from stdin (`exec -it app -- bash`, `exec -i app -- sh`)? */
export const readsCommandsFromStdin = (request: ExecRequest) => request.stdin && isShell(request.argv[0]) && request.argv.length === 1;

/** A keystroke's meaning to an interactive shell's line editor. */
export type TtyAction = { kind: 'echo'; text: string } | { kind: 'line'; line: string } | { kind: 'interrupt' } | { kind: 'eof' };

/**
 * What readline does with raw tty input: echoes what is typed (the tty is raw, the remote side
 * echoes), Backspace erases, Enter (`\r`) completes a line, Ctrl-C drops it, Ctrl-D on an empty line
 * ends the shell.
 */
export class TtyLineEditor {
  private buffer = '';

  feed(input: string): TtyAction[] {
    const actions: TtyAction[] = [];
    const echo = (text: string) => {
      const last = actions[actions.length - 1];
      if (last?.kind === 'echo') last.text += text;
      else actions.push({ kind: 'echo', text });
    };
    for (const char of input) {
      if (char === '\r' || char === '\n') {
        echo('\r\n');
        actions.push({ kind: 'line', line: this.buffer });
        this.buffer = '';
      } else if (char === '\x7f' || char === '\b') {
        if (this.buffer.length === 0) continue;
        this.buffer = this.buffer.slice(0, -1);
        echo('\b \b');
      } else if (char === '\x03') {
        echo('^C\r\n');
        actions.push({ kind: 'interrupt' });
        this.buffer = '';
      } else if (char === '\x04') {
        if (this.buffer.length === 0) actions.push({ kind: 'eof' });
      } else if (char >= ' ' || char === '\t') {
        this.buffer += char;
        echo(char);
      }
    }
    return actions;
  }
}

const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

/**
 * One `kubectl exec`: a command run once in the pod's shell, or a shell fed from stdin line by line
 * (with a prompt and echo under a tty). Frames are handled strictly in order.
 */
export class ExecSession {
  private stack: ShellStack;
  private lastStatus = 0;
  private prompt = '';
  private ended = false;
  private queue = Promise.resolve();
  private readonly editor = new TtyLineEditor();
  private pendingInput = '';
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly request: ExecRequest,
    private readonly io: ExecIo,
  ) {
    this.stack = request.stack;
  }

  /** Starts the session: runs the command, or shows the first prompt of an interactive shell. */
  start(): void {
    this.enqueue(async () => {
      if (!readsCommandsFromStdin(this.request)) {
        const result = await this.io.run(commandLine(this.request.argv), this.stack);
        this.print(result);
        this.end(result.exitCode);
      } else if (this.request.tty) {
        this.prompt = (await this.io.run('', this.stack)).prompt;
        this.io.send(Channel.Stdout, this.prompt);
      }
    });
  }

  /** A binary frame from kubectl. */
  receive(frame: Buffer): void {
    if (frame.length === 0 || !readsCommandsFromStdin(this.request)) return;
    const channel = frame[0];
    if (channel === Channel.Stdin) this.enqueue(() => this.input(this.decoder.decode(frame.subarray(1), { stream: true })));
    else if (channel === Channel.Close && frame[1] === Channel.Stdin) this.enqueue(() => this.endOfInput());
  }

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.ended) return;
      try {
        await task();
      } catch (error) {
        this.io.send(this.request.tty ? Channel.Stdout : Channel.Stderr, `${error instanceof Error ? error.message : String(error)}\n`);
        this.end(1);
      }
    });
  }

  private async input(text: string): Promise<void> {
    if (!this.request.tty) {
      this.pendingInput += text;
      const lines = this.pendingInput.split('\n');
      this.pendingInput = lines.pop()!;
      for (const line of lines) if (!this.ended) await this.runLine(line);
      return;
    }
    for (const action of this.editor.feed(text)) {
      if (this.ended) return;
      if (action.kind === 'echo') this.io.send(Channel.Stdout, action.text);
      else if (action.kind === 'eof') {
        this.io.send(Channel.Stdout, 'exit\r\n');
        this.end(this.lastStatus);
      } else {
        if (action.kind === 'line') await this.runLine(action.line);
        else this.lastStatus = 130;
        if (!this.ended) this.io.send(Channel.Stdout, this.prompt);
      }
    }
  }

  private async endOfInput(): Promise<void> {
    if (!this.request.tty && this.pendingInput.trim()) await this.runLine(this.pendingInput);
    this.pendingInput = '';
    this.end(this.lastStatus);
  }

  private async runLine(line: string): Promise<void> {
    if (!line.trim()) return;
    const result = await this.io.run(line, this.stack);
    this.print(result);
    const left = result.stack.length < this.stack.length;
    this.stack = result.stack;
    this.prompt = result.prompt;
    // A bare `exit` leaves with the status of the command before it, as bash does.
    if (left) this.end(result.exitCode || this.lastStatus);
    else this.lastStatus = result.exitCode;
  }

  private print(result: LineResult): void {
    if (this.request.tty) {
      if (result.stdout || result.stderr) this.io.send(Channel.Stdout, crlf(result.stdout + result.stderr));
      return;
    }
    if (result.stdout) this.io.send(Channel.Stdout, result.stdout);
    if (result.stderr) this.io.send(Channel.Stderr, result.stderr);
  }

  private end(exitCode: number): void {
    if (this.ended) return;
    this.ended = true;
    this.io.finish(exitCode);
  }
}

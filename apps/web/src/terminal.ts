import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { isMissingEndpoint, type ExecResult, type LabApi } from './api';
import { t } from './i18n';
import type { LiveFeed } from './live';

type ExecAck = ExecResult & { ok?: boolean; error?: unknown; watching?: boolean };

/** The lab shell in xterm: a line editor with history; each line runs in the chosen context over socket.io or REST. */
export class LabTerminal {
  readonly term = new Terminal({ convertEol: true, fontSize: 12, cursorBlink: true, scrollback: 5000 });
  private readonly fit = new FitAddon();
  private line = '';
  private history: string[] = [];
  private historyIndex = 0;
  private busy = false;
  /** A line still running on the server (`kubectl get -w`): its rows arrive as `exec:output` until Ctrl-C. */
  private watching = false;
  /** Keys typed while a line runs: kept, and handled once it is done (a real terminal buffers them too). */
  private typedAhead = '';
  private readonly prompts = new Map<string, string>();
  /** The server-side shell of this client's socket and the context it is in. */
  private socketShell = { id: '', context: 'workstation' };

  constructor(
    container: HTMLElement,
    private readonly api: LabApi,
    private readonly live: LiveFeed,
    private readonly context: () => string,
    private readonly enter: (context: string) => void,
    private readonly afterCommand: () => void,
  ) {
    this.term.loadAddon(this.fit);
    this.term.open(container);
    this.fit.fit();
    new ResizeObserver(() => this.fit.fit()).observe(container);
    this.term.onData((data) => void this.input(data));
    this.live.socket.on('exec:output', (message: { stdout?: string }) => {
      if (this.watching && message.stdout) this.term.write(message.stdout);
    });
    this.prompt();
  }

  focus(): void {
    this.term.focus();
  }

  /** The shell's own prompt for the context, once it has told us; until then the context's name. */
  private prompt(): void {
    const context = this.context();
    const known = this.prompts.get(context);
    if (known) return this.term.write(known);
    const where = context === 'workstation' ? 'workstation' : context.replace(/^(node|pod)\//, '');
    this.term.write(`\x1b[32m${where}\x1b[0m$ `);
  }

  private async input(data: string): Promise<void> {
    if (this.watching) {
      if (data.includes('\x03')) await this.interrupt();
      return;
    }
    if (this.busy) {
      this.typedAhead += data;
      return;
    }
    for (const char of data) {
      if (char === '\r') {
        await this.submit();
      } else if (char === '\x7f') {
        if (this.line) {
          this.line = this.line.slice(0, -1);
          this.term.write('\b \b');
        }
      } else if (char === '\x03') {
        this.line = '';
        this.term.write('^C\r\n');
        this.prompt();
      } else if (char >= ' ') {
        this.line += char;
        this.term.write(char);
      }
    }
    if (data === '\x1b[A' || data === '\x1b[B') this.recall(data === '\x1b[A' ? -1 : 1);
  }

  private recall(delta: number): void {
    const index = Math.min(this.history.length, Math.max(0, this.historyIndex + delta));
    this.historyIndex = index;
    this.term.write('\b \b'.repeat(this.line.length));
    this.line = this.history[index] ?? '';
    this.term.write(this.line);
  }

  private async submit(): Promise<void> {
    const command = this.line.trim();
    this.line = '';
    this.term.write('\r\n');
    if (command) {
      this.history.push(command);
      this.historyIndex = this.history.length;
      this.busy = true;
      try {
        const result = await this.run(command);
        if (result.context && result.context !== this.context()) this.enter(result.context);
        if (result.prompt) this.prompts.set(this.context(), result.prompt);
        if (result.stdout) this.term.write(result.stdout);
        if (result.stderr) this.term.write(`\x1b[31m${result.stderr}\x1b[0m`);
        this.afterCommand();
        if ((result as ExecAck).watching) {
          this.watching = true;
          return;
        }
      } catch (error) {
        this.term.write(`\x1b[31m${error instanceof Error ? error.message : String(error)}\x1b[0m\r\n`);
      } finally {
        this.busy = false;
      }
    }
    this.prompt();
    const typedAhead = this.typedAhead;
    this.typedAhead = '';
    if (typedAhead) await this.input(typedAhead);
  }

  /** Ctrl-C while a line runs on the server: it stops, the prompt comes back. */
  private async interrupt(): Promise<void> {
    this.watching = false;
    this.term.write('^C\r\n');
    await this.live.request('interrupt', {});
    this.prompt();
    const typedAhead = this.typedAhead;
    this.typedAhead = '';
    if (typedAhead) await this.input(typedAhead);
  }

  /**
   * Over socket.io the server keeps this client's shell (its context stack: minikube ssh, exit...), so a line goes
   * there while the picker shows the context that shell is in; a context picked by hand runs over REST, which takes
   * the context with every line.
   */
  private async run(command: string): Promise<ExecResult> {
    const context = this.context();
    const socketId = this.live.socket.id ?? '';
    if (this.socketShell.id !== socketId) this.socketShell = { id: socketId, context: 'workstation' };
    if (this.live.connected && context === this.socketShell.context) {
      const ack = await this.live.request<ExecAck>('exec', { command });
      if (ack && ack.ok !== false && typeof ack.stdout === 'string') {
        this.socketShell.context = ack.context ?? context;
        return ack;
      }
      // 501: this server runs the shell over REST only.
      if (ack && ack.ok === false && (ack.error as { status?: number } | undefined)?.status !== 501) throw new Error(describe(ack.error));
    }
    try {
      return await this.api.exec(command, context);
    } catch (error) {
      if (isMissingEndpoint(error)) throw new Error(`${t('terminal')}: ${t('notAvailable')}`);
      throw error;
    }
  }
}

function describe(error: unknown): string {
  if (typeof error === 'string') return error;
  const problem = error as { title?: string; detail?: string; message?: string } | undefined;
  return problem?.detail ?? problem?.message ?? problem?.title ?? JSON.stringify(error);
}

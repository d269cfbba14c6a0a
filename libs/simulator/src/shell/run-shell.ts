import type { LabState } from '../cluster/types';
import type { Command } from '../model/commands';
import { contextProblem, currentFrame, prompt, type ShellStack } from './context';
import { parseLine, ShellSyntaxError, type ListItem, type SimpleCommand } from './parse';
import { findProgram } from './programs';
import type { KubectlWatch } from './kubectl/watch';
import type { Mutation, Printed, ProgramResult, ShellEnv, ShellOutput } from './types';

/**
 * The lab shell: runs one command line (bash syntax subset, see parse.ts) against the lab, in
 * the context on top of `stack`, without ever changing the state itself.
 *
 * A line that only reads finishes at once: `{ kind: 'done', output, stack }`. A line with a
 * command that changes the lab (kubectl run/apply/delete, minikube start, iptables -F…) stops
 * there with `{ kind: 'mutation', commands, resume }`: the caller decides and appends the events
 * of `commands` (all-or-nothing, like any other mutation), then calls `resume(stateAfter, env)`,
 * which prints the outcome ("pod/app created") and runs the rest of the line (`| grep …`,
 * `&& kubectl get po`), possibly stopping at the next mutation. The caller loops until done.
 * If the commands are refused, the caller calls `refused(error)` instead, which prints the error
 * as the tool would and runs the rest of the line as after a failed command.
 *
 * Everything is a pure function of (state, stack, line, env): the same inputs print the same.
 */
export type ShellStep = ShellDone | ShellMutation;

export interface ShellDone {
  kind: 'done';
  output: ShellOutput;
  stack: ShellStack;
  /** The prompt of the context after the line, as the real shell would show it. */
  prompt: string;
  /** The line ended in `kubectl get -w`, unpiped: a caller that streams prints later changes (watchUpdate) until interrupted. */
  watch?: KubectlWatch;
  /** The lab's explanations of what the line's commands did (Printed.notes), in order. */
  notes?: string[];
}

export interface ShellMutation {
  kind: 'mutation';
  commands: Command[];
  resume: (after: LabState, env: ShellEnv) => ShellStep;
  /** The commands were refused (SimulatorError message): prints it as the tool does and goes on. */
  refused: (message: string, state: LabState, env: ShellEnv) => ShellStep;
}

interface Cursor {
  items: ListItem[];
  item: number;
  stage: number;
  /** stdin of the current stage (the previous stage's stdout, or the here-document). */
  pipe: string;
  stack: ShellStack;
  stdout: string;
  stderr: string;
  status: number;
  /** The last command's `kubectl get -w`, when it was not piped. */
  watch?: KubectlWatch;
  notes?: string[];
}

export function runShell(state: LabState, stack: ShellStack, line: string, env: ShellEnv): ShellStep {
  const problem = contextProblem(state, stack);
  if (problem) return done(state, { stdout: '', stderr: `${problem}; exit to the workstation\n`, exitCode: 1 }, stack.slice(0, 1));
  let items: ListItem[];
  try {
    items = parseLine(line);
  } catch (error) {
    if (error instanceof ShellSyntaxError) return done(state, { stdout: '', stderr: `bash: ${error.message}\n`, exitCode: 2 }, stack);
    throw error;
  }
  return advance({ items, item: 0, stage: 0, pipe: '', stack, stdout: '', stderr: '', status: 0 }, state, env);
}

function done(state: LabState, output: ShellOutput, stack: ShellStack): ShellDone {
  return { kind: 'done', output, stack, prompt: prompt(state, stack) };
}

function advance(cursor: Cursor, state: LabState, env: ShellEnv): ShellStep {
  while (cursor.item < cursor.items.length) {
    const { pipeline } = cursor.items[cursor.item];
    while (cursor.stage < pipeline.length) {
      const command = pipeline[cursor.stage];
      const stdin = command.heredoc ?? (cursor.stage === 0 ? '' : cursor.pipe);
      const result = run(command, stdin, state, env, cursor.stack, cursor.status);
      if (result.kind === 'mutation') return pause({ ...cursor }, command, pipeline.length, result);
      Object.assign(cursor, finishStage(cursor, command, result, pipeline.length));
    }
    let connector = cursor.items[cursor.item].next;
    cursor.item++;
    cursor.stage = 0;
    cursor.pipe = '';
    // `a && b` skips b when a failed, `a || b` when it succeeded; the skipped item's own connector decides what follows.
    while (cursor.item < cursor.items.length && !runsAfter(connector, cursor.status)) {
      connector = cursor.items[cursor.item].next;
      cursor.item++;
    }
  }
  const finished = done(state, { stdout: cursor.stdout, stderr: cursor.stderr, exitCode: cursor.status }, cursor.stack);
  return { ...finished, ...(cursor.watch ? { watch: cursor.watch } : {}), ...(cursor.notes ? { notes: cursor.notes } : {}) };
}

/** A line stopped at a program's mutation; its render may ask for another one (kubectl run --rm). */
function pause(cursor: Cursor, command: SimpleCommand, stages: number, mutation: Mutation): ShellMutation {
  return {
    kind: 'mutation',
    commands: mutation.commands,
    resume: (after, env) => {
      const result = mutation.render(after, env);
      if (result.kind === 'mutation') return pause(cursor, command, stages, result);
      return advance(finishStage(cursor, command, result, stages), after, env);
    },
    refused: (message, current, env) =>
      advance(finishStage(cursor, command, { kind: 'printed', stdout: '', stderr: message.endsWith('\n') ? message : `${message}\n`, exitCode: 1 }, stages), current, env),
  };
}

function runsAfter(connector: ';' | '&&' | '||', status: number): boolean {
  return connector === ';' || (connector === '&&') === (status === 0);
}

/** Routes a stage's output through its redirections into the next stage or the terminal. */
function finishStage(cursor: Cursor, command: SimpleCommand, result: Printed, stages: number): Cursor {
  let { stdout, stderr } = result;
  for (const redirect of command.redirects) {
    if (redirect.fd === 2 && redirect.target === '&1') {
      stdout += stderr;
      stderr = '';
    } else if (redirect.fd === 1 && redirect.target === '&2') {
      stderr += stdout;
      stdout = '';
    } else if (redirect.fd === 1) stdout = '';
    else stderr = '';
  }
  const last = cursor.stage === stages - 1;
  return {
    ...cursor,
    stage: cursor.stage + 1,
    pipe: last ? '' : stdout,
    stdout: last ? cursor.stdout + stdout : cursor.stdout,
    stderr: cursor.stderr + stderr,
    status: last ? result.exitCode : cursor.status,
    stack: result.stack ?? cursor.stack,
    watch: stages === 1 && command.redirects.length === 0 ? result.watch : undefined,
    notes: result.notes ? [...(cursor.notes ?? []), ...result.notes] : cursor.notes,
  };
}

const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/;

function run(parsed: SimpleCommand, stdin: string, state: LabState, env: ShellEnv, stack: ShellStack, status: number): ProgramResult {
  let assignments = 0;
  while (assignments < parsed.argv.length && assignment.test(parsed.argv[assignments])) assignments++;
  if (!parsed.expansions && assignments === 0) return runExpanded(parsed, stdin, state, env, stack);
  const expanded = expandWords(parsed, assignments, state, env, stack, status);
  if (assignments === parsed.argv.length) return assign(expanded, stack);
  // `NAME=value command`: the variables only reach the command's environment, which the lab does not model.
  const result = runExpanded({ ...parsed, argv: expanded.argv.slice(assignments) }, stdin, state, env, stack);
  if (!expanded.stderr) return result;
  // What the substitutions printed on stderr comes first, as on a terminal.
  if (result.kind === 'printed') return { ...result, stderr: expanded.stderr + result.stderr };
  return {
    ...result,
    render: (after, env2) => {
      const out = result.render(after, env2);
      return out.kind === 'printed' ? { ...out, stderr: expanded.stderr + out.stderr } : out;
    },
  };
}

/** `NAME=value …` alone: the variables are set in the current shell; the status is the last substitution's. */
function assign(expanded: Expanded, stack: ShellStack): Printed {
  const top = currentFrame(stack);
  const vars = { ...top.vars };
  for (const word of expanded.argv) {
    const [, name] = assignment.exec(word)!;
    vars[name] = word.slice(name.length + 1);
  }
  return { kind: 'printed', stdout: '', stderr: expanded.stderr, exitCode: expanded.status, stack: [...stack.slice(0, -1), { ...top, vars }] };
}

interface Expanded {
  argv: string[];
  stderr: string;
  /** Exit status of the last command substitution (0 without one). */
  status: number;
}

/**
 * `$(…)` runs its line read-only in the same context; `$NAME` reads the current shell's variables
 * (`$?` the last status). The result replaces the reference without trailing newlines, split into
 * words unless quoted or in an assignment (the first `assignments` words).
 */
function expandWords(command: SimpleCommand, assignments: number, state: LabState, env: ShellEnv, stack: ShellStack, lastStatus: number): Expanded {
  const argv: string[] = [];
  let stderr = '';
  let status = 0;
  const vars = currentFrame(stack).vars ?? {};
  command.argv.forEach((word, index) => {
    const parts = command.expansions?.[index];
    if (!parts) {
      argv.push(word);
      return;
    }
    let current = '';
    let keep = false;
    for (const part of parts) {
      if ('literal' in part) {
        current += part.literal;
        keep = true;
        continue;
      }
      let value: string;
      if ('variable' in part) value = part.variable === '?' ? String(lastStatus) : (vars[part.variable] ?? '');
      else {
        const step = runShell(state, stack, part.command, env);
        if (step.kind === 'done') {
          value = step.output.stdout.replace(/\n+$/, '');
          stderr += step.output.stderr;
          status = step.output.exitCode;
        } else {
          value = '';
          stderr += `bash: $(${part.command}): the lab runs command substitutions read-only\n`;
          status = 1;
        }
      }
      if (part.quoted || index < assignments) {
        current += value;
        keep = true;
        continue;
      }
      value.split(/[ \t\n]+/).forEach((field, i) => {
        if (i > 0) {
          if (current !== '' || keep) argv.push(current);
          current = '';
          keep = false;
        }
        current += field;
      });
    }
    if (current !== '' || keep) argv.push(current);
  });
  return { argv, stderr, status };
}

function runExpanded(command: SimpleCommand, stdin: string, state: LabState, env: ShellEnv, stack: ShellStack): ProgramResult {
  const badTarget = command.redirects.find((r) => !r.target.startsWith('&') && r.target !== '/dev/null');
  if (badTarget) return { kind: 'printed', stdout: '', stderr: `bash: ${badTarget.target}: Read-only file system\n`, exitCode: 1 };
  if (command.argv.length === 0) return { kind: 'printed', stdout: stdin, stderr: '', exitCode: 0 };
  const name = command.argv[0];
  const frame = currentFrame(stack);
  const program = findProgram(name, frame, state);
  if (!program) {
    const shell = frame.kind === 'pod' && prompt(state, stack) === '/ # ' ? 'sh' : 'bash';
    return { kind: 'printed', stdout: '', stderr: shell === 'sh' ? `sh: ${name}: not found\n` : `bash: ${name}: command not found\n`, exitCode: 127 };
  }
  return program({ argv: command.argv, stdin, state, env, stack });
}

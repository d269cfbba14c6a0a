/** What a command prints, as the shell will hand it back (API.md exec: stdout, stderr, exitCode). */
export interface ViewOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function printed(stdout: string): ViewOutput {
  return { stdout, stderr: '', exitCode: 0 };
}

export function failed(stderr: string, exitCode: number): ViewOutput {
  return { stdout: '', stderr, exitCode };
}

/** What a shell command prints and returns. */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

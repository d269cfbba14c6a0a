export { runShell, type ShellStep, type ShellDone, type ShellMutation } from './run-shell';
export { contextName, stackFromContextName, prompt, WORKSTATION, type ShellFrame, type ShellStack } from './context';
export type { ShellEnv, ShellOutput } from './types';
export { readLabFile } from './kubectl/lab-files';
export { watchUpdate, type KubectlWatch } from './kubectl/watch';

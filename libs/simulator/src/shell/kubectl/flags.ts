/** pflag as kubectl uses it: `--name=value`, `--name value`, `-n value`, `-nvalue`, `-it`, `--` ends flags. */

export interface FlagSpec {
  /** Long name without dashes. */
  name: string;
  short?: string;
  /** Takes a value (string flags); boolean flags take none (but accept --flag=true|false). */
  value?: boolean;
}

export interface ParsedFlags {
  values: Map<string, string[]>;
  positional: string[];
  /** What followed `--`. */
  rest: string[];
}

export class FlagError extends Error {}

/** Flags every kubectl command accepts. */
export const globalFlags: FlagSpec[] = [
  { name: 'namespace', short: 'n', value: true },
  { name: 'context', value: true },
  { name: 'kubeconfig', value: true },
  { name: 'request-timeout', value: true },
  { name: 'v', short: 'v', value: true },
];

export function parseFlags(args: string[], specs: FlagSpec[]): ParsedFlags {
  const all = [...specs, ...globalFlags];
  const values = new Map<string, string[]>();
  const positional: string[] = [];
  const set = (spec: FlagSpec, value: string) => values.set(spec.name, [...(values.get(spec.name) ?? []), value]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return { values, positional, rest: args.slice(i + 1) };
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const spec = all.find((s) => s.name === name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (spec.value) {
        const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
        if (value === undefined) throw new FlagError(`flag needs an argument: --${name}`);
        set(spec, value);
      } else set(spec, eq < 0 ? 'true' : arg.slice(eq + 1));
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const spec = all.find((s) => s.short === arg[j]);
        if (!spec) throw new FlagError(`unknown shorthand flag: '${arg[j]}' in ${arg}`);
        if (spec.value) {
          let value = arg.slice(j + 1);
          if (value.startsWith('=')) value = value.slice(1);
          if (value === '') value = args[++i];
          if (value === undefined) throw new FlagError(`flag needs an argument: '${arg[j]}' in -${arg[j]}`);
          set(spec, value);
          break;
        }
        set(spec, 'true');
      }
      continue;
    }
    positional.push(arg);
  }
  return { values, positional, rest: [] };
}

export function flag(parsed: ParsedFlags, name: string): string | undefined {
  const list = parsed.values.get(name);
  return list?.[list.length - 1];
}

export function boolFlag(parsed: ParsedFlags, name: string): boolean {
  const value = flag(parsed, name);
  return value !== undefined && value !== 'false';
}

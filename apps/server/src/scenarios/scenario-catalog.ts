import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseScenario, ScenarioError, validateScenario, type ParsedScenario } from '@hoplab/simulator/scenario';
import { ProblemException, unprocessable, type ProblemFieldError } from '../problem/problem';

/** The repository's scenarios/ folder, found from the sources (tests) as from the compiled server in dist/. */
export function findScenarioDir(from = __dirname): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'scenarios');
    if (existsSync(join(candidate, 'minikube-flannel.yaml'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

let builtIns: Map<string, ParsedScenario> | undefined;

/** The built-in scenarios (scenarios/*.yaml), read and validated once. */
export function builtInScenarios(): Map<string, ParsedScenario> {
  if (!builtIns) {
    const dir = findScenarioDir();
    const files = dir ? readdirSync(dir).filter((file) => file.endsWith('.yaml')).sort() : [];
    builtIns = new Map(files.map((file) => [file.replace(/\.yaml$/, ''), parseScenario(readFileSync(join(dir!, file), 'utf8'))]));
  }
  return builtIns;
}

/**
 * A scenario as a request names it: a built-in's name, a scenario file's YAML text, or the
 * document as a JSON object. Unreadable or invalid documents are a 422 naming each field and line.
 */
export function resolveScenario(value: string | Record<string, unknown>, field = 'scenario'): ParsedScenario {
  if (typeof value === 'string' && !value.includes('\n')) {
    const known = builtInScenarios().get(value.trim());
    if (known) return known;
    throw unprocessable(`Scenario "${value}" is not available; built-in scenarios: ${[...builtInScenarios().keys()].join(', ')}.`, [{ path: field, message: 'unknown scenario' }]);
  }
  try {
    return typeof value === 'string' ? parseScenario(value) : validateScenario(value);
  } catch (error) {
    throw scenarioProblem(error, field);
  }
}

/** A ScenarioError as a 422 problem whose errors carry the scenario's field paths and lines. */
export function scenarioProblem(error: unknown, field = 'scenario'): unknown {
  if (!(error instanceof ScenarioError)) return error;
  const errors = error.issues.map(({ path, message, line, column }): ProblemFieldError & { line?: number; column?: number } => ({
    path: path ? `${field}.${path}` : field,
    message,
    ...(line !== undefined ? { line, column } : {}),
  }));
  return new ProblemException(422, 'invalid-scenario', `The scenario is invalid:\n${error.message}`, errors);
}

export { scenarioSchema, type Scenario, type ScenarioInput, type ScenarioStep, type ScenarioCheck, type Expectation } from './schema';
export { parseScenario, validateScenario, formatIssue, ScenarioError, type ScenarioIssue, type ParsedScenario, type Locate } from './parse-scenario';
export { buildScenario, type BuildOptions, type BuiltLab } from './build-scenario';
export { runChecks, type CheckReport, type CheckKind } from './run-checks';
export { exportScenario, exportScenarioYaml } from './export-scenario';

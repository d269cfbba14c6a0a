import { Inject, Injectable } from '@nestjs/common';
import type { LabRecord } from '@hoplab/event-store';
import type { LabState } from '@hoplab/simulator';
import { exportScenarioYaml, runChecks, type CheckReport, type ParsedScenario } from '@hoplab/simulator/scenario';
import type { ShellEnv } from '@hoplab/simulator/shell';
import { getObject } from '../k8s/objects';
import { LabRuntime } from '../runtime/lab-runtime.service';
import { labEpochMs } from '../labs/lab-epoch';

export interface CheckResult {
  version: number;
  passed: number;
  failed: number;
  checks: CheckReport[];
}

/** Grades a lab against a scenario's checks and exports a lab as a scenario; neither changes the lab. */
@Injectable()
export class ScenariosService {
  constructor(@Inject(LabRuntime) private readonly runtime: LabRuntime) {}

  check(lab: LabRecord, { scenario }: ParsedScenario): Promise<CheckResult> {
    return this.runtime.read(lab.id, (state, now) => {
      const checks = runChecks(state, scenario.checks, shellEnv(lab, now));
      const passed = checks.filter((check) => check.passed).length;
      return { version: state.version, passed, failed: checks.length - passed, checks };
    });
  }

  export(lab: LabRecord): Promise<{ version: number; yaml: string }> {
    return this.runtime.read(lab.id, (state) => ({ version: state.version, yaml: exportScenarioYaml(state) }));
  }
}

function shellEnv(lab: LabRecord, now: number): ShellEnv {
  const origin = labEpochMs(lab);
  return {
    now,
    epochMs: origin,
    objects: (state: LabState, resource: string, namespace: string | undefined, name: string) => getObject(resource, { labId: lab.id, state, now, origin }, namespace, name),
  };
}

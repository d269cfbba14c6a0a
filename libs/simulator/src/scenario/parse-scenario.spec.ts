import { parseScenario, ScenarioError, validateScenario, type ScenarioIssue } from './parse-scenario';

function issuesOf(read: () => unknown): ScenarioIssue[] {
  try {
    read();
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

describe('parseScenario', () => {
  it('reads a scenario and fills the defaults', () => {
    const { scenario } = parseScenario('name: lab\nnodes:\n  - {}\nchecks:\n  - expect:\n      trace: { from: default/a, to: default/b, port: 80 }\n      verdict: dropped\n');
    expect(scenario.nodes).toEqual([{}]);
    expect(scenario.steps).toEqual([]);
    expect(scenario.checks[0].expect).toEqual({ trace: { from: 'default/a', to: 'default/b', port: 80, protocol: 'TCP' }, verdict: 'dropped' });
  });

  it('names the line, column and field of an unknown key', () => {
    const issues = issuesOf(() => parseScenario('name: lab\nnodes:\n  - name: a\n    ipp: 10.0.0.2\n'));
    expect(issues).toEqual([{ path: 'nodes[0].ipp', message: 'unknown field', line: 4, column: 5 }]);
  });

  it('names the line of a value of the wrong type or range', () => {
    const text = ['checks:', '  - name: x', '    expect:', '      trace:', '        from: default/a', '        to: default/b', '        port: 99999', '      verdict: dropped', ''].join('\n');
    const [issue] = issuesOf(() => parseScenario(text));
    expect(issue).toMatchObject({ path: 'checks[0].expect.trace.port', line: 7, column: 15 });
    expect(issue.message).toMatch(/65535/);
  });

  it('reports a missing field at its parent', () => {
    const issues = issuesOf(() => parseScenario('checks:\n  - expect:\n      trace: { from: default/a, to: default/b, port: 80 }\n'));
    expect(issues).toEqual([{ path: 'checks[0].expect.verdict', message: 'a trace check needs the expected "verdict"', line: 3, column: 7 }]);
  });

  it('wants exactly one action per step and fields that go with it', () => {
    const issues = issuesOf(() => parseScenario('steps:\n  - run: ls\n    advance: 5s\n  - advance: 10s\n    context: node/a\n'));
    expect(issues).toEqual([
      { path: 'steps[0]', message: 'a step needs exactly one of "apply", "run" or "advance", not "run" and "advance"', line: 2, column: 5 },
      { path: 'steps[1].context', message: '"context" goes with "run"', line: 5, column: 14 },
    ]);
  });

  it('validates the cluster with the ClusterSpec schema', () => {
    const [issue] = issuesOf(() => parseScenario('cluster:\n  cni:\n    plugin: flannel\n    backend: ipip\n'));
    expect(issue).toMatchObject({ path: 'cluster.cni.backend', line: 4, column: 14 });
    expect(issue.message).toContain('backend "ipip" is not one of ["vxlan","host-gw"]');
  });

  it('accepts a bridge name only for the bridge plugin, and the node setup of cloud VMs', () => {
    const { scenario } = parseScenario('cluster:\n  cni: { plugin: bridge, bridge: cbr0 }\n  node: { dhcp: true }\n');
    expect(scenario.cluster).toMatchObject({ cni: { plugin: 'bridge', backend: null, bridge: 'cbr0' }, node: { docker0: '172.17.0.0/16', dhcp: true } });
    expect(issuesOf(() => parseScenario('cluster:\n  cni: { plugin: flannel, bridge: cbr0 }\n'))).toEqual([
      { path: 'cluster.cni.bridge', message: 'a bridge name is a setting of the bridge plugin, not of flannel', line: 2, column: 35 },
    ]);
  });

  it('rejects checks mixing kinds, and bad contexts and durations', () => {
    const text = 'steps:\n  - advance: soon\ncheck: []\nchecks:\n  - expect: { exec: ls, verdict: dropped, context: "vm/x" }\n';
    expect(issues(text)).toEqual([
      ['steps[0].advance', 2],
      ['check', 3],
      ['checks[0].expect.verdict', 5],
      ['checks[0].expect.context', 5],
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const [issue] = issuesOf(() => parseScenario('name: lab\nnodes: [a\nsteps: []\n'));
    expect(issue.line).toBe(3);
    expect(issue.path).toBe('');
  });

  it('holds one document only', () => {
    expect(issuesOf(() => parseScenario('name: a\n---\nname: b\n'))).toEqual([{ path: '', message: 'a scenario file holds one YAML document, not 2', line: 2, column: 1 }]);
  });

  it('validates inline documents (JSON bodies) with paths but no lines', () => {
    expect(issuesOf(() => validateScenario({ nodes: [{ role: 'boss' }] }))).toEqual([
      { path: 'nodes[0].role', message: expect.stringContaining('control-plane') },
    ]);
  });
});

function issues(text: string): [string, number | undefined][] {
  return issuesOf(() => parseScenario(text)).map((issue) => [issue.path, issue.line]);
}

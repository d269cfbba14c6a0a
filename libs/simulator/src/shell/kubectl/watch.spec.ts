import { terminal, testLab } from '../test-lab';
import { watchUpdate } from './watch';

describe('kubectl get -w in the lab shell', () => {
  it('prints the list, then a row per pod added or changed and the last row of a deleted one (Terminating), with the widths remembered', () => {
    const t = terminal(testLab({}, 2));
    t.run('kubectl run db --image postgres');
    const step = t.run('kubectl get pods -w');
    expect(step.output.stdout).toMatch(/^NAME {3}READY {3}STATUS {4}RESTARTS {3}AGE\ndb {5}1\/1 {5}Running {3}0 {10}\d+s\n$/);
    let watch = step.watch!;
    expect(watch).toBeDefined();
    // Nothing changed: nothing printed, even later (AGE alone is no event).
    expect(watchUpdate(t.state, watch, t.state.time + 60_000).stdout).toBe('');
    t.run('kubectl run app --image nicolaka/netshoot');
    let update = watchUpdate(t.state, watch, t.state.time);
    expect(update.stdout).toMatch(/^app {4}1\/1 {5}Running {3}0 {10}\d+s\n$/);
    watch = update.watch;
    t.run('kubectl delete pod db');
    update = watchUpdate(t.state, watch, t.state.time);
    expect(update.stdout).toMatch(/^db {5}1\/1 {5}Terminating {3}0 {10}\d+s\n$/);
    expect(watchUpdate(t.state, update.watch, t.state.time).stdout).toBe('');
  });

  it('an empty list prints the header with the first row; -l selects what is watched; piped or with two types there is no watch', () => {
    const t = terminal(testLab({}, 1));
    const step = t.run('kubectl get pods -l app=web -w');
    expect(step.output).toEqual({ stdout: '', stderr: 'No resources found in default namespace.\n', exitCode: 0 });
    t.run('kubectl run other --image nginx');
    expect(watchUpdate(t.state, step.watch!, t.state.time).stdout).toBe('');
    t.run('kubectl run web --image nginx --labels=app=web');
    expect(watchUpdate(t.state, step.watch!, t.state.time).stdout).toMatch(/^NAME {3}READY {3}STATUS {4}RESTARTS {3}AGE\nweb {4}1\/1 {5}Running {3}0 {10}\d+s\n$/);
    expect(t.run('kubectl get pods -w | grep web').watch).toBeUndefined();
    expect(t.run('kubectl get pods,svc -w').output).toEqual({ stdout: '', stderr: 'error: you may only specify a single resource type\n', exitCode: 1 });
  });

  it('watches a Deployment roll: new pods appear, old ones go as Terminating', () => {
    const t = terminal(testLab({}, 2));
    t.run('kubectl create deployment web --image=nginx:1.27 --replicas=2');
    const watch = t.run('kubectl get pods -l app=web -w').watch!;
    t.run('kubectl set image deployment/web nginx=nginx:1.28');
    const lines = watchUpdate(t.state, watch, t.state.time).stdout.trimEnd().split('\n');
    expect(lines.filter((line) => / Terminating /.test(line))).toHaveLength(2);
    expect(lines.filter((line) => / Running /.test(line))).toHaveLength(2);
  });
});

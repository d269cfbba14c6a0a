import { terminal, testLab } from '../test-lab';
import { jsonpath } from './jsonpath';

describe('kubectl -o jsonpath', () => {
  const list = { items: [{ metadata: { name: 'a' }, status: { podIP: '10.0.0.1' } }, { metadata: { name: 'b' }, status: { podIP: '10.0.0.2' } }] };

  it('paths, [*], indexes, literals and range', () => {
    expect(jsonpath('{.items[0].status.podIP}', list)).toBe('10.0.0.1');
    expect(jsonpath('{.items[*].metadata.name}', list)).toBe('a b');
    expect(jsonpath('{.items[-1].metadata.name}', list)).toBe('b');
    expect(jsonpath('{range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}', list)).toBe('a\t10.0.0.1\nb\t10.0.0.2\n');
    expect(jsonpath('ip={.items[0].status.missing}!', list)).toBe('ip=!');
    expect(() => jsonpath('{range .items[*]}{.x}', list)).toThrow('range without end');
  });

  it("through kubectl get, and pods selected by their node with --field-selector", () => {
    const t = terminal(testLab({}, 2));
    t.run('kubectl run db --image postgres');
    const pod = t.state.pods.get('default/db')!;
    expect(t.run("kubectl get pod db -o jsonpath='{.status.podIP}'").output.stdout).toBe(pod.ip);
    const onNode = t.run(`kubectl get po -A --field-selector spec.nodeName=${pod.node} -o name`).output.stdout;
    expect(onNode.split('\n').filter(Boolean).length).toBe([...t.state.pods.values()].filter((p) => p.node === pod.node).length);
    expect(t.run('kubectl get po --field-selector status.phase!=Running').output.stderr).toBe('No resources found in default namespace.\n');
    expect(t.run('kubectl get po -o custom-columns=NAME:.metadata.name,IP:.status.podIP,X:.nope').output.stdout).toBe(`NAME   IP           X\ndb     ${pod.ip}   <none>\n`);
    expect(t.run('kubectl get po -o custom-columns=NAME:{.metadata.name} --no-headers').output.stdout).toBe('db\n');
    expect(t.run('kubectl get po -o custom-columns=NAME').output.stderr).toBe('error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n');
    expect(t.run('kubectl get po --field-selector nonsense').output.stderr).toBe("error: invalid selector: 'nonsense'; can't understand 'nonsense'\n");
  });
});

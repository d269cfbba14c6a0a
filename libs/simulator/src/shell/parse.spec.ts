import { parseLine, ShellSyntaxError } from './parse';

const argvs = (line: string) => parseLine(line).map((item) => item.pipeline.map((c) => c.argv));

describe('parseLine', () => {
  it('splits words and keeps quoted text whole, quotes removed', () => {
    expect(argvs('kubectl run app --image nicolaka/netshoot --labels="app=app" -- /bin/bash -c "sleep 3600"')).toEqual([
      [['kubectl', 'run', 'app', '--image', 'nicolaka/netshoot', '--labels=app=app', '--', '/bin/bash', '-c', 'sleep 3600']],
    ]);
    expect(argvs(`awk '{print $1}' "a \\"b\\"" c\\ d`)).toEqual([[['awk', '{print $1}', 'a "b"', 'c d']]]);
    expect(argvs("echo ''")).toEqual([[['echo', '']]]);
  });

  it('pipelines and lists with their connectors', () => {
    const items = parseLine('ip a | grep veth | wc -l; kubectl get po && echo ok || echo no');
    expect(items.map((i) => [i.pipeline.map((c) => c.argv[0]), i.next])).toEqual([
      [['ip', 'grep', 'wc'], ';'],
      [['kubectl'], '&&'],
      [['echo'], '||'],
      [['echo'], ';'],
    ]);
  });

  it('newlines separate commands; comments are dropped', () => {
    expect(argvs('echo a # a comment\necho b')).toEqual([[['echo', 'a']], [['echo', 'b']]]);
    expect(argvs('echo a#b')).toEqual([[['echo', 'a#b']]]);
  });

  it('here-documents feed the command they follow, with or without a quoted delimiter', () => {
    const [item] = parseLine("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nEOF");
    expect(item.pipeline[0]).toEqual({ argv: ['cat'], heredoc: 'apiVersion: v1\nkind: Pod\n', redirects: [] });
    expect(item.pipeline[1].argv).toEqual(['kubectl', 'apply', '-f', '-']);
    expect(parseLine("cat <<'END'\n$x\nEND")[0].pipeline[0].heredoc).toBe('$x\n');
    expect(parseLine('cat <<-EOF\n\tindented\n\tEOF')[0].pipeline[0].heredoc).toBe('indented\n');
  });

  it('redirections of stdout and stderr', () => {
    expect(parseLine('kubectl get po nope 2>&1 >/dev/null')[0].pipeline[0].redirects).toEqual([
      { fd: 2, target: '&1' },
      { fd: 1, target: '/dev/null' },
    ]);
    expect(parseLine('x 2> /dev/null')[0].pipeline[0].redirects).toEqual([{ fd: 2, target: '/dev/null' }]);
  });

  it("refuses what bash refuses, with bash's words", () => {
    const message = (line: string) => {
      try {
        parseLine(line);
        return 'parsed';
      } catch (error) {
        expect(error).toBeInstanceOf(ShellSyntaxError);
        return (error as Error).message;
      }
    };
    expect(message('| grep x')).toBe("syntax error near unexpected token `|'");
    expect(message('ls |')).toBe("syntax error near unexpected token `newline'");
    expect(message('a && && b')).toBe("syntax error near unexpected token `&&'");
    expect(message('; ls')).toBe("syntax error near unexpected token `;'");
    expect(message('echo "open')).toBe('unexpected EOF while looking for matching `"\'');
    expect(message("echo 'open")).toBe("unexpected EOF while looking for matching `''");
  });

  it('an empty line is an empty list', () => {
    expect(parseLine('')).toEqual([]);
    expect(parseLine('   \n  ')).toEqual([]);
  });
});

describe('command substitution', () => {
  it('keeps the parts of a word with $(…), quoted or not, nested parentheses and quotes inside', () => {
    const [item] = parseLine(`telnet $(kubectl get pod db -o jsonpath='{.status.podIP}') 5432`);
    expect(item.pipeline[0].argv).toEqual(['telnet', "$(kubectl get pod db -o jsonpath='{.status.podIP}')", '5432']);
    expect(item.pipeline[0].expansions).toEqual({ 1: [{ command: "kubectl get pod db -o jsonpath='{.status.podIP}'", quoted: false }] });
    const [quoted] = parseLine('echo "ip=$(echo (a) ")")!"');
    expect(quoted.pipeline[0].expansions).toEqual({ 1: [{ literal: 'ip=' }, { command: 'echo (a) ")"', quoted: true }, { literal: '!' }] });
  });

  it('variables: $NAME, ${NAME}, $? (in double quotes too); a lone $ and single quotes stay literal', () => {
    const [item] = parseLine(`echo $A "\${B}x" $? '$C' $ 5$`);
    expect(item.pipeline[0].argv).toEqual(['echo', '$A', '${B}x', '$?', '$C', '$', '5$']);
    expect(item.pipeline[0].expansions).toEqual({
      1: [{ variable: 'A', quoted: false }],
      2: [{ variable: 'B', quoted: true }, { literal: 'x' }],
      3: [{ variable: '?', quoted: false }],
    });
  });

  it('an unclosed $( is a syntax error', () => {
    expect(() => parseLine('echo $(ls')).toThrow("unexpected EOF while looking for matching `)'");
  });
});

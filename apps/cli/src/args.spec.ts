import { parseArgs, parseLabUrl, UsageError } from './args';
import { progressBar } from './live-lines';

describe('hoplab arguments', () => {
  it('reads the lab from its web or API URL, the token from --token or ?token=', () => {
    expect(parseLabUrl('http://localhost:3000/labs/ab12?token=t1')).toEqual({ origin: 'http://localhost:3000', labId: 'ab12', token: 't1' });
    expect(parseLabUrl('https://hoplab.example/api/labs/ab12/')).toEqual({ origin: 'https://hoplab.example', labId: 'ab12', token: undefined });
    expect(parseArgs(['shell', 'http://h/labs/x?token=a', '--token', 'b'])).toEqual({ command: 'shell', origin: 'http://h', labId: 'x', token: 'b', options: {} });
    expect(parseArgs(['trace', 'http://h/labs/x?token=a', '--from=default/app', '--to', 'default/db', '--port', '5432'])).toMatchObject({
      token: 'a',
      options: { from: 'default/app', to: 'default/db', port: '5432' },
    });
  });

  it.each([
    [['ssh', 'http://h/labs/x'], 'unknown command "ssh"'],
    [['shell'], "shell needs the lab's URL"],
    [['shell', 'http://h/labs/x'], 'a token is needed: --token <token> or ?token= in the URL'],
    [['shell', 'http://h/other/x', '--token', 't'], '"http://h/other/x" is not a lab URL (…/labs/<id>)'],
    [['watch', 'http://h/labs/x', '--token'], '--token needs a value'],
    [['watch', 'http://h/labs/x', 'extra'], 'unexpected argument "extra"'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new UsageError(message));
  });

  it('draws the progress of a streamed trace', () => {
    expect(progressBar(0, 8, 8)).toBe('[........] 0/8 hops');
    expect(progressBar(3, 8, 8)).toBe('[###.....] 3/8 hops');
    expect(progressBar(8, 8, 8)).toBe('[########] 8/8 hops');
  });
});

import { alignTabs, kubectlTableSettings } from '../text/tabwriter';
import { column, printTable, rowObject, table } from './table';

describe('printTable', () => {
  const t = table(7, [column('Name'), column('Ready'), column('Age'), column('Note', 1)], [
    { cells: ['a', '1/1', '5m10s', 'x'], object: rowObject('a', 'ns') },
    { cells: ['a-much-longer-name', '0/2', '3s', 'é𝄞'], object: rowObject('a-much-longer-name', 'kube-system') },
  ]);

  it('lays rows out exactly as the general tabwriter does (characters, not UTF-16 units)', () => {
    const text = 'NAMESPACE\tNAME\tREADY\tAGE\tNOTE\nns\ta\t1/1\t5m10s\tx\nkube-system\ta-much-longer-name\t0/2\t3s\té𝄞\n';
    expect(printTable(t, { withNamespace: true, wide: true })).toBe(alignTabs(text, kubectlTableSettings));
  });

  it('shows priority-1 columns only when wide, and carries the resource version', () => {
    expect(printTable(t).split('\n')[0]).toBe('NAME                 READY   AGE');
    expect(t.metadata.resourceVersion).toBe('7');
  });
});

import { alignTabs, kubectlDescribeSettings, kubectlTableSettings } from './tabwriter';

describe('alignTabs (Go text/tabwriter)', () => {
  it('pads each column to its widest cell plus padding; the last cell is not padded', () => {
    const text = 'NAME\tSTATUS\tAGE\nminikube-m02\tReady\t1s\n';
    expect(alignTabs(text, kubectlTableSettings)).toBe('NAME           STATUS   AGE\nminikube-m02   Ready    1s\n');
  });

  it('keeps narrow columns at minwidth', () => {
    expect(alignTabs('A\tB\nx\ty\n', kubectlTableSettings)).toBe('A     B\nx     y\n');
  });

  it('counts characters, not bytes', () => {
    expect(alignTabs('é\tx\nab\ty\n', { minwidth: 0, padding: 1 })).toBe('é  x\nab y\n');
  });

  it('forms a column only from consecutive lines that have a cell in it', () => {
    const text = 'Name:\tcm\nAnnotations:\t<none>\n\nData\nEvents:\t<none>\n';
    expect(alignTabs(text, kubectlDescribeSettings)).toBe(
      'Name:         cm\nAnnotations:  <none>\n\nData\nEvents:  <none>\n',
    );
  });

  it('aligns continuation lines that start with a tab', () => {
    const text = 'Labels:\ta=1\n\tb=2\nNamespace:\tx\n';
    expect(alignTabs(text, kubectlDescribeSettings)).toBe('Labels:     a=1\n            b=2\nNamespace:  x\n');
  });

  it('leaves text without tabs unchanged, with or without a final newline', () => {
    expect(alignTabs('plain', kubectlTableSettings)).toBe('plain');
    expect(alignTabs('', kubectlTableSettings)).toBe('');
  });
});

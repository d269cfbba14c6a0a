import { checkSchemaName, parseStoreUrl } from './store-url';

describe('parseStoreUrl', () => {
  it('reads sqlite file and memory URLs', () => {
    expect(parseStoreUrl('sqlite:./data/hoplab.db')).toEqual({ kind: 'sqlite', path: './data/hoplab.db' });
    expect(parseStoreUrl('sqlite:/tmp/x.db')).toEqual({ kind: 'sqlite', path: '/tmp/x.db' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
  });

  it('reads postgres URLs', () => {
    expect(parseStoreUrl('postgres://u@h:5432/db')).toEqual({ kind: 'postgres', url: 'postgres://u@h:5432/db' });
    expect(parseStoreUrl('postgresql://h/db')).toEqual({ kind: 'postgres', url: 'postgresql://h/db' });
  });

  it('rejects anything else', () => {
    expect(() => parseStoreUrl('sqlite:')).toThrow('needs a path');
    expect(() => parseStoreUrl('mysql://h/db')).toThrow('unsupported store URL');
    expect(() => parseStoreUrl('/tmp/x.db')).toThrow('unsupported store URL');
  });
});

describe('checkSchemaName', () => {
  it('accepts plain identifiers only', () => {
    expect(checkSchemaName('hoplab_test_1')).toBe('hoplab_test_1');
    expect(() => checkSchemaName('x; DROP TABLE labs')).toThrow('invalid postgres schema name');
    expect(() => checkSchemaName('1abc')).toThrow('invalid postgres schema name');
    expect(() => checkSchemaName('')).toThrow('invalid postgres schema name');
  });
});

export type StoreLocation =
  | { kind: 'sqlite'; path: string /* ":memory:" for an in-memory database */ }
  | { kind: 'postgres'; url: string };

/** "sqlite:<path>", "sqlite::memory:" or "postgres://..." / "postgresql://...". */
export function parseStoreUrl(url: string): StoreLocation {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (!path) throw new Error('sqlite store URL needs a path: sqlite:<path> or sqlite::memory:');
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  throw new Error(`unsupported store URL ${JSON.stringify(url)}: expected sqlite:<path>, sqlite::memory: or postgres://...`);
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Postgres schema names are spliced into SQL and into search_path, so only plain identifiers are accepted. */
export function checkSchemaName(schema: string): string {
  if (!identifier.test(schema)) throw new Error(`invalid postgres schema name ${JSON.stringify(schema)}`);
  return schema;
}

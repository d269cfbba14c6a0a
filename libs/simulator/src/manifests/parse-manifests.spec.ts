import { ManifestError, parseManifests } from './parse-manifests';

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: c\n    image: nginx\n`;

function errorOf(run: () => unknown): ManifestError {
  try {
    run();
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('parseManifests', () => {
  it('reads multi-document YAML in order, skipping empty documents', () => {
    const objects = parseManifests(`---\n${pod('a')}---\n---\n${pod('b')}`);
    expect(objects.map((o) => [o.index, o.kind, (o.object.metadata as { name: string }).name])).toEqual([
      [0, 'Pod', 'a'],
      [1, 'Pod', 'b'],
    ]);
  });

  it('reads one JSON object and a JSON List', () => {
    expect(parseManifests('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}')[0].kind).toBe('Namespace');
    const list = parseManifests(
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'y' } }] }),
    );
    expect(list.map((o) => o.index)).toEqual([0, 1]);
  });

  it('refuses text that is not YAML with a 400 naming the line', () => {
    const error = errorOf(() => parseManifests('kind: Pod\n  bad: [\n'));
    expect(error.status).toBe(400);
    expect(error.issues[0].message).toMatch(/^line \d+ column \d+/);
  });

  it('refuses alias bombs', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`)].join('\n');
    const error = errorOf(() => parseManifests(bomb));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/alias|resource exhaustion/i);
  });

  it('refuses duplicate keys', () => {
    expect(errorOf(() => parseManifests('kind: Pod\nkind: Service\napiVersion: v1\n')).status).toBe(400);
  });

  it('names the document and field of an object without kind or apiVersion', () => {
    const error = errorOf(() => parseManifests(`${pod('a')}---\nmetadata:\n  name: b\n`));
    expect(error.status).toBe(422);
    expect(error.issues.map((i) => i.path)).toEqual(['documents[1].apiVersion', 'documents[1].kind']);
  });

  it('refuses an empty manifest and too many objects', () => {
    expect(errorOf(() => parseManifests('')).message).toBe('no objects passed to apply');
    const many = Array.from({ length: 3 }, (_, i) => pod(`p${i}`)).join('---\n');
    expect(errorOf(() => parseManifests(many, { maxDocuments: 2, maxAliasCount: 10 })).message).toMatch(/too many objects: 3/);
  });
});

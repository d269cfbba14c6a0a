/**
 * Runs the upstream conformance cases (loaded by `load`) where the real plugin is known not to give
 * the connectivity upstream expects: those cases must fail with wrong connectivity, as they do on a
 * real cluster of that plugin; every other case must pass. A last test checks every known gap was met.
 */
export function withKnownGaps(plugin: string, gaps: Record<string, string>, load: () => void): void {
  const upstreamIt = global.it;
  const seen = new Set<string>();
  global.it = Object.assign((name: string, body: () => void, timeout?: number) => {
    const gap = gaps[name];
    if (!gap) return upstreamIt(name, body, timeout);
    seen.add(name);
    return upstreamIt(`${name} — fails on ${plugin} as on a real cluster (${gap})`, () => expect(body).toThrow(/\d+ wrong \(/), timeout);
  }, upstreamIt) as typeof it;
  try {
    load();
  } finally {
    global.it = upstreamIt;
  }
  describe(`${plugin} conformance run`, () => {
    it('met every known gap among the upstream cases (none renamed away)', () => {
      expect([...seen].sort()).toEqual(Object.keys(gaps).sort());
    });
  });
}

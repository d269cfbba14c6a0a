/** The upstream e2e truth table (test/e2e/network/netpol/reachability.go) and its helpers. */

export interface Peer {
  namespace?: string;
  pod?: string;
}

function matches(peer: Peer, podString: string): boolean {
  const [namespace, pod] = podString.split('/');
  return (peer.namespace === undefined || peer.namespace === namespace) && (peer.pod === undefined || peer.pod === pod);
}

export class Reachability {
  private readonly expected = new Map<string, boolean>();

  constructor(
    readonly pods: string[],
    defaultExpectation: boolean,
  ) {
    for (const from of pods) for (const to of pods) this.expected.set(`${from}>${to}`, defaultExpectation);
  }

  expect(from: string, to: string, connected: boolean): this {
    this.expected.set(`${from}>${to}`, connected);
    return this;
  }

  expectPeer(from: Peer, to: Peer, connected: boolean): this {
    for (const f of this.pods) {
      if (!matches(from, f)) continue;
      for (const t of this.pods) if (matches(to, t)) this.expect(f, t, connected);
    }
    return this;
  }

  expectAllIngress(pod: string, connected: boolean): this {
    for (const from of this.pods) this.expect(from, pod, connected);
    return this;
  }

  expectAllEgress(pod: string, connected: boolean): this {
    for (const to of this.pods) this.expect(pod, to, connected);
    return this;
  }

  get(from: string, to: string): boolean {
    return this.expected.get(`${from}>${to}`)!;
  }
}

/** The upstream rendering: "." connected, "X" blocked, one row per source. */
export function renderTable(pods: string[], cell: (from: string, to: string) => string): string {
  const rows = [['-', ...pods].join('\t')];
  for (const from of pods) rows.push([from, ...pods.map((to) => cell(from, to))].join('\t'));
  return rows.join('\n');
}

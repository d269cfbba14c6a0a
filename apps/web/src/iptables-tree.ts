/** A chain of `iptables -S` output and what it jumps to, for the KUBE-SERVICES → SVC → SEP view. */
export interface ChainNode {
  chain: string;
  /** The rule that jumped here (without `-A CHAIN`), empty for the root. */
  rule: string;
  children: ChainNode[];
}

/** Parses `iptables -t nat -S` and follows the jumps from the root chain, each chain expanded once per path. */
export function chainTree(save: string, root = 'KUBE-SERVICES'): ChainNode {
  const rules = new Map<string, { rule: string; target: string }[]>();
  for (const line of save.split('\n')) {
    const match = /^-A (\S+) (.*)$/.exec(line.trim());
    if (!match) continue;
    const target = /(?:^| )-j (\S+)/.exec(match[2])?.[1] ?? '';
    rules.set(match[1], [...(rules.get(match[1]) ?? []), { rule: match[2], target }]);
  }
  const expand = (chain: string, rule: string, path: Set<string>): ChainNode => ({
    chain,
    rule,
    children: path.has(chain)
      ? []
      : (rules.get(chain) ?? [])
          .filter(({ target }) => rules.has(target) || target.startsWith('KUBE-'))
          .map(({ rule: child, target }) => expand(target, child, new Set([...path, chain]))),
  });
  return expand(root, '', new Set());
}

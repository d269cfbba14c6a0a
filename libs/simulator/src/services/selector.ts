/** A Service's equality-based selector: every key present with the same value. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

import type { TokenRole } from '@hoplab/event-store';

/** Enough for every token of a busy instance; past it the cache starts over rather than tracking use. */
const MAX_ENTRIES = 10_000;

/**
 * The role each (lab, bearer token) pair was found to have. A lab's tokens never change and lab ids
 * are never reused, so a verified pair stays valid for the lab's life (whether the lab still exists is
 * checked on every request); it saves the token's SHA-256 and a query per request.
 */
export class VerifiedTokens {
  private readonly roles = new Map<string, TokenRole>();

  async roleOf(labId: string, token: string, lookup: () => Promise<TokenRole | null>): Promise<TokenRole | null> {
    const key = `${labId}\n${token}`;
    const known = this.roles.get(key);
    if (known) return known;
    const role = await lookup();
    if (role) {
      if (this.roles.size >= MAX_ENTRIES) this.roles.clear();
      this.roles.set(key, role);
    }
    return role;
  }
}

import { sha256Hex, type Config } from '../config/config';
import type { Identity } from './caller';

/** The configured API tokens, by their SHA-256 (tokens are never stored in clear). */
export class TokenTable {
  private readonly byHash: ReadonlyMap<string, Identity>;

  constructor(tokens: Config['auth']['tokens']) {
    this.byHash = new Map(
      tokens.map((t) => [
        t.sha256.toLowerCase(),
        { name: t.name, key: t.name, role: t.role, via: 'token', queues: t.queues ? [...t.queues] : null, agentLogin: t.agent ?? null, expiresAt: null },
      ]),
    );
  }

  /** The identity of a configured token, or null. */
  lookup(token: string): Identity | null {
    return this.byHash.get(sha256Hex(token)) ?? null;
  }
}

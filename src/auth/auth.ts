import type { Role, TokenConfig } from '../config/config';
import { sha256Hex } from '../config/config';

/** Who called: the configured token's name and role. */
export interface Caller {
  readonly name: string;
  readonly role: Role;
}

/** Checks bearer tokens against the configured SHA-256 hashes; tokens are never stored in clear. */
export class TokenAuthenticator {
  private readonly byHash: ReadonlyMap<string, Caller>;

  constructor(tokens: readonly TokenConfig[]) {
    this.byHash = new Map(tokens.map((t) => [t.sha256.toLowerCase(), { name: t.name, role: t.role }]));
  }

  /** The caller of an `Authorization` header value, or null when missing or unknown. */
  authenticate(header: string | undefined): Caller | null {
    const match = header ? /^Bearer\s+(\S{1,512})\s*$/i.exec(header) : null;
    if (!match) return null;
    return this.byHash.get(sha256Hex(match[1]!)) ?? null;
  }
}

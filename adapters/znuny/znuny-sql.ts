import { queuePatterns, type TicketScope } from '../../src/domain/ticket-scope';
import type { TicketOwner } from '../../src/domain/tickets';
import type { ZnunyConnection } from './znuny-connection';

/**
 * A statement built left to right: `bind` adds a parameter and returns its `?`, so parameters
 * stay in the order their placeholders appear.
 */
export class Sql {
  readonly params: unknown[] = [];

  bind(value: unknown): string {
    this.params.push(value);
    return '?';
  }

  /** A fragment with its own parameters, taken in here. */
  take(fragment: { sql: string; params: unknown[] }): string {
    this.params.push(...fragment.params);
    return fragment.sql;
  }

  list(values: readonly unknown[]): string {
    return values.length === 0 ? 'NULL' : values.map((v) => this.bind(v)).join(', ');
  }
}

/** The ticket columns whose value names the owner. */
export const OWNER_COLUMN: Record<TicketOwner, string> = { customer: 'customer_id', customerUser: 'customer_user_id' };

/**
 * The owners of a batch as a derived table `o(k, owner)`: `k` the key lower-cased (how answers
 * are matched back), `owner` the value `ticket.customer_id` / `customer_user_id` is compared
 * with: the key as the owner's record spells it. MariaDB / MySQL compare ignoring case (Znuny's
 * collation); PostgreSQL compares exactly, as Znuny there does.
 */
export function ownersTable(db: ZnunyConnection, s: Sql, keys: readonly string[]): string {
  if (db.dialect === 'mysql') {
    return `(${keys.map((k) => `SELECT ${s.bind(k.toLowerCase())} AS k, ${s.bind(k)} AS owner`).join(' UNION ALL ')})`;
  }
  return `(SELECT DISTINCT lower(k.owner) AS k, k.owner FROM unnest(${s.bind([...keys])}::text[]) AS k(owner))`;
}

/** Escapes LIKE's wildcards (with `\` as the escape character). */
function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
}

/**
 * The caller's visibility as a predicate over the ticket `t` and its queue `q`: nothing for
 * every ticket, queue names (exact, case included) and path prefixes, or queue ids.
 */
export function scopeSql(db: ZnunyConnection, s: Sql, scope: TicketScope): string {
  switch (scope.kind) {
    case 'all':
      return '';
    case 'queueIds':
      return scope.ids.length === 0 ? ' AND 1 = 0' : ` AND t.queue_id IN (${s.list(scope.ids)})`;
    case 'queues': {
      const { exact, prefixes } = queuePatterns(scope.patterns);
      if (prefixes.includes('')) return '';
      // MariaDB / MySQL compare names ignoring case: compared as bytes instead.
      const name = db.dialect === 'mysql' ? 'BINARY q.name' : 'q.name';
      const terms = [
        ...(exact.length > 0 ? [`${name} IN (${s.list(exact)})`] : []),
        ...prefixes.map((p) => `${name} LIKE ${s.bind(likePrefix(p))}`),
      ];
      return terms.length === 0 ? ' AND 1 = 0' : ` AND (${terms.join(' OR ')})`;
    }
  }
}

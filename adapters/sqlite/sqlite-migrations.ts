/**
 * Versioned migrations of the helpdesk database. `PRAGMA user_version` holds the number of
 * migrations applied; each runs in its own transaction. Append, never edit a released one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: customers, customer users, their customer ids, tickets.
  `
  CREATE TABLE customer (
    id            INTEGER PRIMARY KEY,
    customer_id   TEXT NOT NULL,
    customer_key  TEXT NOT NULL UNIQUE,      -- lower-cased customer_id: ids are unique ignoring case
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL UNIQUE,      -- lower-cased name: unique within this source
    valid         TEXT NOT NULL CHECK (valid IN ('VALID', 'INVALID', 'INVALID_TEMPORARILY')),
    street TEXT, zip TEXT, city TEXT, country TEXT, url TEXT, comment TEXT,
    created_at    INTEGER NOT NULL,
    changed_at    INTEGER NOT NULL
  );
  CREATE INDEX customer_order ON customer (name_key, customer_key);

  CREATE TABLE customer_user (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL,
    login_key     TEXT NOT NULL UNIQUE,
    email         TEXT NOT NULL,
    title         TEXT,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    first_key     TEXT NOT NULL,
    last_key      TEXT NOT NULL,
    phone TEXT, mobile TEXT, street TEXT, zip TEXT, city TEXT, country TEXT, comment TEXT,
    valid         TEXT NOT NULL CHECK (valid IN ('VALID', 'INVALID', 'INVALID_TEMPORARILY')),
    customer_id   TEXT NOT NULL,             -- the primary customer id
    customer_key  TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    changed_at    INTEGER NOT NULL
  );
  CREATE INDEX customer_user_order ON customer_user (last_key, first_key, login_key);

  -- Every customer id of a user, the primary one at position 0. The user's sort key and validity
  -- are copied here so that "users of a customer, in order" is one index range.
  CREATE TABLE customer_user_customer (
    user_id       INTEGER NOT NULL REFERENCES customer_user (id) ON DELETE CASCADE,
    customer_key  TEXT NOT NULL,
    customer_id   TEXT NOT NULL,
    position      INTEGER NOT NULL,
    last_key      TEXT NOT NULL,
    first_key     TEXT NOT NULL,
    login_key     TEXT NOT NULL,
    valid         TEXT NOT NULL,
    PRIMARY KEY (user_id, customer_key)
  ) WITHOUT ROWID;
  CREATE INDEX customer_user_customer_order ON customer_user_customer (customer_key, last_key, first_key, login_key);
  CREATE INDEX customer_user_customer_valid ON customer_user_customer (customer_key, valid);

  CREATE TABLE ticket (
    id                  INTEGER PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    state               TEXT NOT NULL,
    state_type          TEXT NOT NULL,
    is_open             INTEGER NOT NULL,    -- state_type in NEW, OPEN, PENDING_REMINDER
    priority            TEXT NOT NULL,
    queue               TEXT NOT NULL,
    customer_id         TEXT,
    customer_key        TEXT,
    customer_user_login TEXT,
    customer_user_key   TEXT,
    created_at          INTEGER NOT NULL,    -- epoch milliseconds
    changed_at          INTEGER NOT NULL,
    escalation_at       INTEGER,
    pending_until       INTEGER
  );
  -- One index per widget and owner: each list is a range scan in its own order.
  CREATE INDEX ticket_c_all        ON ticket (customer_key, created_at, id);
  CREATE INDEX ticket_c_open       ON ticket (customer_key, is_open, created_at, id);
  CREATE INDEX ticket_c_escalation ON ticket (customer_key, is_open, escalation_at, id);
  CREATE INDEX ticket_c_pending    ON ticket (customer_key, state_type, pending_until, id);
  CREATE INDEX ticket_c_counts     ON ticket (customer_key, state_type, escalation_at, pending_until);
  CREATE INDEX ticket_u_all        ON ticket (customer_user_key, created_at, id);
  CREATE INDEX ticket_u_open       ON ticket (customer_user_key, is_open, created_at, id);
  CREATE INDEX ticket_u_escalation ON ticket (customer_user_key, is_open, escalation_at, id);
  CREATE INDEX ticket_u_pending    ON ticket (customer_user_key, state_type, pending_until, id);
  CREATE INDEX ticket_u_counts     ON ticket (customer_user_key, state_type, escalation_at, pending_until);
  `,
  // 2: ticket counts per owner and state type, kept current by triggers, so that the counts that
  // do not depend on the clock cost one index seek whatever the number of tickets. The counts
  // that do (escalated, reminder reached) are range counts on the widget indexes.
  `
  CREATE TABLE ticket_count (
    owner      TEXT NOT NULL CHECK (owner IN ('c', 'u')),   -- 'c': customer_key, 'u': customer_user_key
    owner_key  TEXT NOT NULL,
    state_type TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (owner, owner_key, state_type)
  ) WITHOUT ROWID;
  INSERT INTO ticket_count (owner, owner_key, state_type, n)
    SELECT 'c', customer_key, state_type, count(*) FROM ticket WHERE customer_key IS NOT NULL GROUP BY customer_key, state_type;
  INSERT INTO ticket_count (owner, owner_key, state_type, n)
    SELECT 'u', customer_user_key, state_type, count(*) FROM ticket WHERE customer_user_key IS NOT NULL GROUP BY customer_user_key, state_type;

  CREATE TRIGGER ticket_count_insert AFTER INSERT ON ticket BEGIN
    INSERT INTO ticket_count (owner, owner_key, state_type, n) SELECT 'c', NEW.customer_key, NEW.state_type, 1
      WHERE NEW.customer_key IS NOT NULL ON CONFLICT (owner, owner_key, state_type) DO UPDATE SET n = n + 1;
    INSERT INTO ticket_count (owner, owner_key, state_type, n) SELECT 'u', NEW.customer_user_key, NEW.state_type, 1
      WHERE NEW.customer_user_key IS NOT NULL ON CONFLICT (owner, owner_key, state_type) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER ticket_count_delete AFTER DELETE ON ticket BEGIN
    UPDATE ticket_count SET n = n - 1 WHERE owner = 'c' AND owner_key = OLD.customer_key AND state_type = OLD.state_type;
    UPDATE ticket_count SET n = n - 1 WHERE owner = 'u' AND owner_key = OLD.customer_user_key AND state_type = OLD.state_type;
  END;
  CREATE TRIGGER ticket_count_update AFTER UPDATE OF state_type, customer_key, customer_user_key ON ticket
  WHEN OLD.state_type IS NOT NEW.state_type OR OLD.customer_key IS NOT NEW.customer_key
    OR OLD.customer_user_key IS NOT NEW.customer_user_key
  BEGIN
    UPDATE ticket_count SET n = n - 1 WHERE owner = 'c' AND owner_key = OLD.customer_key AND state_type = OLD.state_type;
    UPDATE ticket_count SET n = n - 1 WHERE owner = 'u' AND owner_key = OLD.customer_user_key AND state_type = OLD.state_type;
    INSERT INTO ticket_count (owner, owner_key, state_type, n) SELECT 'c', NEW.customer_key, NEW.state_type, 1
      WHERE NEW.customer_key IS NOT NULL ON CONFLICT (owner, owner_key, state_type) DO UPDATE SET n = n + 1;
    INSERT INTO ticket_count (owner, owner_key, state_type, n) SELECT 'u', NEW.customer_user_key, NEW.state_type, 1
      WHERE NEW.customer_user_key IS NOT NULL ON CONFLICT (owner, owner_key, state_type) DO UPDATE SET n = n + 1;
  END;

  -- The counts indexes of migration 1 are replaced by the table above.
  DROP INDEX ticket_c_counts;
  DROP INDEX ticket_u_counts;
  `,
  // 3: Idempotency-Key of mutations: the first response, and the result of each write transaction
  // recorded in that same transaction, so that a retry after a crash replays instead of writing again.
  `
  CREATE TABLE idempotency_key (
    caller      TEXT NOT NULL,               -- the configured token name: keys are per client
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,               -- SHA-256 of the request (query, operation, variables)
    owner       TEXT NOT NULL,               -- the process running it; another one may take over after a crash
    created_at  INTEGER NOT NULL,
    status      INTEGER,                     -- the first response, once sent
    body        TEXT,
    PRIMARY KEY (caller, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_key_age ON idempotency_key (created_at);
  CREATE TABLE idempotency_step (
    caller TEXT NOT NULL,
    key    TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    result BLOB,                             -- v8-serialized result of the write transaction
    PRIMARY KEY (caller, key, seq)
  ) WITHOUT ROWID;
  `,
  // 4: open tickets by escalation hour and reminder tickets by reminder hour, per owner, kept by
  // triggers: "escalated" and "reminder reached" are the hours before the current one from this
  // table plus a range count of the current hour on the widget indexes, whatever the number of
  // tickets already past their time.
  `
  CREATE TABLE ticket_due (
    owner     TEXT NOT NULL CHECK (owner IN ('c', 'u')),
    owner_key TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('e', 'r')),   -- 'e': escalation_at of open tickets; 'r': pending_until of PENDING_REMINDER
    hour      INTEGER NOT NULL,                            -- epoch milliseconds / 3600000
    n         INTEGER NOT NULL,
    PRIMARY KEY (owner, owner_key, kind, hour)
  ) WITHOUT ROWID;
  INSERT INTO ticket_due (owner, owner_key, kind, hour, n)
    SELECT 'c', customer_key, 'e', escalation_at / 3600000, count(*) FROM ticket
    WHERE customer_key IS NOT NULL AND escalation_at IS NOT NULL AND is_open = 1 GROUP BY 2, 4;
  INSERT INTO ticket_due (owner, owner_key, kind, hour, n)
    SELECT 'u', customer_user_key, 'e', escalation_at / 3600000, count(*) FROM ticket
    WHERE customer_user_key IS NOT NULL AND escalation_at IS NOT NULL AND is_open = 1 GROUP BY 2, 4;
  INSERT INTO ticket_due (owner, owner_key, kind, hour, n)
    SELECT 'c', customer_key, 'r', pending_until / 3600000, count(*) FROM ticket
    WHERE customer_key IS NOT NULL AND pending_until IS NOT NULL AND state_type = 'PENDING_REMINDER' GROUP BY 2, 4;
  INSERT INTO ticket_due (owner, owner_key, kind, hour, n)
    SELECT 'u', customer_user_key, 'r', pending_until / 3600000, count(*) FROM ticket
    WHERE customer_user_key IS NOT NULL AND pending_until IS NOT NULL AND state_type = 'PENDING_REMINDER' GROUP BY 2, 4;

  CREATE TRIGGER ticket_due_insert AFTER INSERT ON ticket BEGIN
    INSERT INTO ticket_due (owner, owner_key, kind, hour, n) SELECT 'c', NEW.customer_key, 'e', NEW.escalation_at / 3600000, 1
      WHERE NEW.customer_key IS NOT NULL AND NEW.escalation_at IS NOT NULL AND NEW.is_open = 1
      ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = n + 1;
    INSERT INTO ticket_due (owner, owner_key, kind, hour, n) SELECT 'u', NEW.customer_user_key, 'e', NEW.escalation_at / 3600000, 1
      WHERE NEW.customer_user_key IS NOT NULL AND NEW.escalation_at IS NOT NULL AND NEW.is_open = 1
      ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = n + 1;
    INSERT INTO ticket_due (owner, owner_key, kind, hour, n) SELECT 'c', NEW.customer_key, 'r', NEW.pending_until / 3600000, 1
      WHERE NEW.customer_key IS NOT NULL AND NEW.pending_until IS NOT NULL AND NEW.state_type = 'PENDING_REMINDER'
      ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = n + 1;
    INSERT INTO ticket_due (owner, owner_key, kind, hour, n) SELECT 'u', NEW.customer_user_key, 'r', NEW.pending_until / 3600000, 1
      WHERE NEW.customer_user_key IS NOT NULL AND NEW.pending_until IS NOT NULL AND NEW.state_type = 'PENDING_REMINDER'
      ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER ticket_due_delete AFTER DELETE ON ticket BEGIN
    UPDATE ticket_due SET n = n - 1 WHERE owner = 'c' AND owner_key = OLD.customer_key AND kind = 'e'
      AND hour = OLD.escalation_at / 3600000 AND OLD.is_open = 1;
    UPDATE ticket_due SET n = n - 1 WHERE owner = 'u' AND owner_key = OLD.customer_user_key AND kind = 'e'
      AND hour = OLD.escalation_at / 3600000 AND OLD.is_open = 1;
    UPDATE ticket_due SET n = n - 1 WHERE owner = 'c' AND owner_key = OLD.customer_key AND kind = 'r'
      AND hour = OLD.pending_until / 3600000 AND OLD.state_type = 'PENDING_REMINDER';
    UPDATE ticket_due SET n = n - 1 WHERE owner = 'u' AND owner_key = OLD.customer_user_key AND kind = 'r'
      AND hour = OLD.pending_until / 3600000 AND OLD.state_type = 'PENDING_REMINDER';
  END;
  CREATE TRIGGER ticket_due_update AFTER UPDATE OF is_open, state_type, escalation_at, pending_until, customer_key, customer_user_key ON ticket
  WHEN OLD.is_open IS NOT NEW.is_open OR OLD.state_type IS NOT NEW.state_type OR OLD.escalation_at IS NOT NEW.escalation_at
    OR OLD.pending_until IS NOT NEW.pending_until OR OLD.customer_key IS NOT NEW.customer_key
    OR OLD.customer_user_key IS NOT NEW.customer_user_key
  BEGIN
    UPDATE ticket_due SET n = n - 1 WHERE owner = 'c' AND owner_key = OLD.customer_key AND kind = 'e'
      AND hour = OLD.escalation_at / 3600000 AND OLD.is_open = 1;
    UPDATE ticket_due SET n = n - 1 WHERE owner = 'u' AND owner_key = OLD.customer_user_key AND kind = 'e'
      AND hour = OLD.escalation_at / 3600000 AND OLD.is_open = 1;
    UPDATE ticket_due SET n = n - 1 WHERE owner = 'c' AND owner_key = OLD.customer_key AND kind = 'r'
      AND hour = OLD.pending_until / 3600000 AND OLD.state_type = 'PENDING_REMINDER';
    UPDATE ticket_due SET n = n - 1 WHERE owner = 'u' AND owner_key = OLD.customer_user_key AND kind = 'r'
      AND hour = OLD.pending_until / 3600000 AND OLD.state_type = 'PENDING_REMINDER';
    INSERT INTO ticket_due (owner, owner_key, kind, hour, n) SELECT 'c', NEW.customer_key, 'e', NEW.escalation_at / 3600000, 1
      WHERE NEW.customer_key IS NOT NULL AND NEW.escalation_at IS NOT NULL AND NEW.is_open = 1
      ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = n + 1;
    INSERT INTO ticket_due (owner, owner_key, kind, hour, n) SELECT 'u', NEW.customer_user_key, 'e', NEW.escalation_at / 3600000, 1
      WHERE NEW.customer_user_key IS NOT NULL AND NEW.escalation_at IS NOT NULL AND NEW.is_open = 1
      ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = n + 1;
    INSERT INTO ticket_due (owner, owner_key, kind, hour, n) SELECT 'c', NEW.customer_key, 'r', NEW.pending_until / 3600000, 1
      WHERE NEW.customer_key IS NOT NULL AND NEW.pending_until IS NOT NULL AND NEW.state_type = 'PENDING_REMINDER'
      ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = n + 1;
    INSERT INTO ticket_due (owner, owner_key, kind, hour, n) SELECT 'u', NEW.customer_user_key, 'r', NEW.pending_until / 3600000, 1
      WHERE NEW.customer_user_key IS NOT NULL AND NEW.pending_until IS NOT NULL AND NEW.state_type = 'PENDING_REMINDER'
      ON CONFLICT (owner, owner_key, kind, hour) DO UPDATE SET n = n + 1;
  END;
  `,
  // 5: customers by validity in list order: the customer list's page and its total are ranges of
  // one index instead of a scan of the table.
  `
  CREATE INDEX customer_valid_order ON customer (valid, name_key, customer_key);
  `,
  // 6: one collation for every source (src/domain/sort-keys.ts `collationKey`, registered as the
  // SQL function collation_key): lists order by accent- and case-insensitive keys. Customer names
  // keep their lower-cased unique key; the order gets its own column.
  `
  ALTER TABLE customer ADD COLUMN name_sort TEXT NOT NULL DEFAULT '';
  UPDATE customer SET name_sort = collation_key(name);
  DROP INDEX customer_order;
  DROP INDEX customer_valid_order;
  CREATE INDEX customer_order ON customer (name_sort, customer_key);
  CREATE INDEX customer_valid_order ON customer (valid, name_sort, customer_key);
  UPDATE customer_user SET last_key = collation_key(last_name), first_key = collation_key(first_name);
  UPDATE customer_user_customer SET last_key = (SELECT last_key FROM customer_user u WHERE u.id = user_id),
    first_key = (SELECT first_key FROM customer_user u WHERE u.id = user_id);
  `,
];

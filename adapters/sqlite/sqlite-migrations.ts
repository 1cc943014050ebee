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
];

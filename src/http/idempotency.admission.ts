import type { IncomingMessage } from 'node:http';
import { DataSourceUnavailableError } from '../domain/errors';
import { requestFingerprint, type IdempotencyScope, type IdempotencyStore } from '../services/idempotency';
import { HttpError } from './error.response';

/** What an `Idempotency-Key` header asks for: nothing, a first run, or a replay of the first response. */
export type Admission = { kind: 'none' } | { kind: 'new'; scope: IdempotencyScope } | { kind: 'replay'; status: number; body: string };

/**
 * Admits a request under its `Idempotency-Key`: 400 for a malformed key or a request that cannot
 * carry one (not a POST with a JSON object), 409 `CONFLICT` for a key used with another request
 * or still in progress, 503 `DATA_SOURCE_UNAVAILABLE` when the key cannot be recorded (database down).
 */
export async function admitIdempotent(store: IdempotencyStore, req: IncomingMessage, body: unknown, caller: string): Promise<Admission> {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return { kind: 'none' };
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new HttpError(400, 'BAD_REQUEST', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  }
  if (req.method !== 'POST' || !body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'BAD_REQUEST', 'Idempotency-Key needs a POST with a JSON object body');
  }
  let fingerprint: string;
  try {
    fingerprint = requestFingerprint(body as Record<string, unknown>);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'The request is nested too deeply');
  }
  let decision: Awaited<ReturnType<IdempotencyStore['begin']>>;
  try {
    decision = await store.begin(caller, key, fingerprint);
  } catch (e) {
    // The key's store (the helpdesk database) is down: nothing ran, the client retries with the same key.
    if (e instanceof DataSourceUnavailableError) {
      throw new HttpError(503, 'DATA_SOURCE_UNAVAILABLE', 'The helpdesk database is unavailable; try again', { 'retry-after': '1' });
    }
    throw e;
  }
  switch (decision.kind) {
    case 'replay':
      return { kind: 'replay', status: decision.status, body: decision.body };
    case 'conflict':
      throw new HttpError(409, 'CONFLICT', 'This Idempotency-Key was used with another request');
    case 'in-progress':
      throw new HttpError(409, 'CONFLICT', 'A request with this Idempotency-Key is in progress');
    default:
      return { kind: 'new', scope: decision.scope };
  }
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HttpError } from './error.response';

/** The `trustedDocuments` configuration keys. */
export interface TrustedDocumentsOptions {
  /** Path of the manifest `{ "<sha256 hex>": "<document>" }` (`npm run codegen` writes it). */
  readonly manifest: string;
  /** `only`: nothing else runs; `allow`: documents by hash and any document sent in full. */
  readonly mode: 'only' | 'allow';
}

/** A GraphQL request as it arrives: the POST body, or the GET query string. */
export interface GraphqlRequestParams {
  readonly method: string;
  readonly body: unknown;
  readonly search: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks a manifest: every key must be the SHA-256 of its document. */
export function loadManifest(file: string): ReadonlyMap<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`trustedDocuments.manifest: cannot read ${file}: ${(e as Error).message}`);
  }
  if (!isRecord(raw)) throw new Error(`trustedDocuments.manifest: ${file} is not a JSON object`);
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(raw)) {
    if (typeof document !== 'string' || sha256(document) !== hash.toLowerCase()) {
      throw new Error(`trustedDocuments.manifest: ${file}: the entry ${hash} is not the SHA-256 of its document`);
    }
    documents.set(hash.toLowerCase(), document);
  }
  return documents;
}

/**
 * Trusted documents (persisted operations): a request may name a document of the manifest by
 * `extensions.persistedQuery.sha256Hash` (version 1) instead of sending it. In `only` mode a
 * request whose document is not in the manifest is refused with `PERSISTED_QUERY_NOT_FOUND`
 * here, before Apollo or any data source sees it.
 */
export class TrustedDocuments {
  constructor(
    private readonly documents: ReadonlyMap<string, string>,
    readonly mode: TrustedDocumentsOptions['mode'],
  ) {}

  /** Loads the configured manifest. */
  static load(options: TrustedDocumentsOptions): TrustedDocuments {
    return new TrustedDocuments(loadManifest(options.manifest), options.mode);
  }

  /** The request with the document named by hash filled in (and the hash removed), or a refusal. */
  resolve(request: GraphqlRequestParams): GraphqlRequestParams {
    if (request.method !== 'GET' && request.method !== 'POST') return request; // Apollo answers 405
    const get = request.method === 'GET' ? fromSearch(request.search) : isRecord(request.body) ? request.body : null;
    if (get === null) return this.refuseUnlessAllowed(request);
    const { query, extensions } = get;
    const persisted = isRecord(extensions) ? extensions.persistedQuery : undefined;
    if (persisted === undefined) {
      if (this.mode === 'allow' || (typeof query === 'string' && this.documents.has(sha256(query)))) return request;
      return this.refuseUnlessAllowed(request);
    }
    if (!isRecord(persisted) || persisted.version !== 1 || typeof persisted.sha256Hash !== 'string') {
      throw new HttpError(400, 'BAD_REQUEST', 'extensions.persistedQuery needs version 1 and a sha256Hash');
    }
    const hash = persisted.sha256Hash.toLowerCase();
    const document = this.documents.get(hash);
    if (document === undefined) throw notFound();
    if (typeof query === 'string' && query !== document) throw new HttpError(400, 'BAD_REQUEST', 'The query is not the document of its sha256Hash');
    const { persistedQuery: _named, ...rest } = extensions as Record<string, unknown>;
    return withDocument(request, document, rest);
  }

  private refuseUnlessAllowed(request: GraphqlRequestParams): GraphqlRequestParams {
    if (this.mode === 'allow') return request;
    throw notFound();
  }
}

function notFound(): HttpError {
  return new HttpError(400, 'PERSISTED_QUERY_NOT_FOUND', 'Only trusted documents run here: name one by extensions.persistedQuery.sha256Hash');
}

/** The GraphQL parameters of a GET query string; null when `extensions` is not JSON (Apollo refuses it). */
function fromSearch(search: string): { query: unknown; extensions: unknown } | null {
  const params = new URLSearchParams(search);
  const text = params.get('extensions');
  try {
    return { query: params.get('query') ?? undefined, extensions: text === null ? undefined : JSON.parse(text) };
  } catch {
    return null;
  }
}

function withDocument(request: GraphqlRequestParams, query: string, extensions: Record<string, unknown>): GraphqlRequestParams {
  if (request.method !== 'GET') return { ...request, body: { ...(request.body as Record<string, unknown>), query, extensions } };
  const params = new URLSearchParams(request.search);
  params.set('query', query);
  params.set('extensions', JSON.stringify(extensions));
  return { ...request, search: `?${params.toString()}` };
}

/**
 * Browser entry of the self-hosted, fully offline GraphiQL page.
 *
 * Bundled by scripts/build-graphiql.mjs (esbuild) into dist/graphiql/app.{js,css} plus Monaco's
 * web workers (dist/graphiql/*.worker.js), served by src/http/graphiql.route.ts. Nothing here may
 * load anything from another origin.
 *
 * GraphiQL 5 (with @graphiql/plugin-explorer 5) on the project's one React (18, shared with the
 * Customer Information Center). GraphiQL 5 edits in Monaco, whose workers monaco-workers.ts
 * starts from /graphiql/ (CSP `worker-src 'self'`).
 *
 * The page embeds its configuration as
 *   <script id="graphiql-config" type="application/json">{...}</script>
 * with { endpoint, defaultQuery, defaultVariables, token }.
 */
import './monaco-workers';
import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { useGraphiQL, useGraphiQLActions } from '@graphiql/react';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import type { Fetcher, Storage } from '@graphiql/toolkit';
import { getOperationAST, parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';

interface GraphiqlConfig {
  endpoint: string;
  defaultQuery: string;
  defaultVariables: string;
  token: string | null;
}

function readConfig(): GraphiqlConfig {
  const el = document.getElementById('graphiql-config');
  let raw: Record<string, unknown> = {};
  try {
    raw = JSON.parse(el?.textContent || '{}') as Record<string, unknown>;
  } catch {
    /* fall through to defaults */
  }
  const str = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);
  return {
    endpoint: str(raw.endpoint, '/graphql'),
    defaultQuery: str(raw.defaultQuery, ''),
    defaultVariables: str(raw.defaultVariables, ''),
    token: typeof raw.token === 'string' && raw.token.trim() !== '' ? raw.token.trim() : null,
  };
}

/** Resolve the endpoint and refuse anything that is not same-origin. */
function sameOriginUrl(endpoint: string): string {
  const url = new URL(endpoint, window.location.href);
  if (url.origin !== window.location.origin) {
    throw new Error(`GraphiQL endpoint must be same-origin, got ${url.origin}`);
  }
  return url.pathname + url.search;
}

/** True when the request's operation is a subscription (sent over the WebSocket). */
function isSubscription(query: string, operationName: string | null | undefined): boolean {
  try {
    return getOperationAST(parse(query), operationName ?? undefined)?.operation === 'subscription';
  } catch {
    return false;
  }
}

/** One graphql-ws client per token, on the page's own origin (ws: or wss: as the page). */
const wsClients = new Map<string, Client>();
function wsClient(endpoint: string, authorization: string): Client {
  let client = wsClients.get(authorization);
  if (!client) {
    const url = new URL(sameOriginUrl(endpoint), window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    client = createClient({ url: url.href, connectionParams: { authorization }, lazy: true, retryAttempts: 3 });
    wsClients.set(authorization, client);
  }
  return client;
}

/**
 * Fetcher: queries and mutations as POST (JSON in, JSON out); subscriptions over graphql-ws on
 * the same origin, the Authorization header's token sent in the connection_init payload.
 */
function makeFetcher(endpoint: string): Fetcher {
  return async (params, opts) => {
    if (isSubscription(params.query, params.operationName)) {
      const authorization = Object.entries(opts?.headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
      return wsClient(endpoint, String(authorization ?? '')).iterate({
        query: params.query,
        variables: params.variables ?? undefined,
        operationName: params.operationName ?? undefined,
      }) as AsyncIterableIterator<Record<string, unknown>>;
    }
    const headers: Record<string, string> = {
      Accept: 'application/graphql-response+json, application/json',
      'Content-Type': 'application/json',
    };
    for (const [k, v] of Object.entries(opts?.headers ?? {})) {
      if (v !== undefined && v !== null) headers[k] = String(v);
    }
    const res = await fetch(sameOriginUrl(endpoint), {
      method: 'POST',
      headers,
      body: JSON.stringify(params),
      credentials: 'same-origin',
    });
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      return { errors: [{ message: `HTTP ${res.status} ${res.statusText}: ${text.slice(0, 1000)}` }] };
    }
  };
}

/** Small, stable string hash (FNV-1a) used to namespace localStorage per configuration. */
function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** Storage keys that hold the headers editor itself: never written (they carry the token). */
const HEADERS_KEY = /(?:^|:)headers$/;

/** Header values (tokens) must never reach localStorage. */
function scrubHeaders(key: string, value: string): string {
  // The history plugin ("queries"/"favorites") records each run's headers even when
  // shouldPersistHeaders is false; tabState is already scrubbed by GraphiQL, keep it safe anyway.
  if (!/(?:^|:)(?:queries|favorites|tabState)$/.test(key)) return value;
  try {
    return JSON.stringify(JSON.parse(value), (k, v: unknown) => (k === 'headers' ? undefined : v));
  } catch {
    return value;
  }
}

/**
 * GraphiQL persists tabs/query/variables/history in localStorage. Keys are namespaced by a hash
 * of the server-side configuration, so a fresh profile *and* a changed server default both start
 * from the configured default query/variables. Headers are never stored (see scrubHeaders).
 * Falls back to in-memory storage when localStorage is unavailable (e.g. blocked site data).
 */
function namespacedStorage(ns: string): Storage {
  let ls: globalThis.Storage;
  try {
    ls = window.localStorage;
    const probe = `${ns}probe`;
    ls.setItem(probe, '1');
    ls.removeItem(probe);
  } catch {
    const mem = new Map<string, string>();
    return {
      getItem: (key) => mem.get(key) ?? null,
      setItem: (key, value) => void (HEADERS_KEY.test(key) ? mem.delete(key) : mem.set(key, scrubHeaders(key, value))),
      removeItem: (key) => void mem.delete(key),
      clear: () => mem.clear(),
      get length() {
        return mem.size;
      },
    };
  }
  const ownKeys = (): string[] => {
    const keys: string[] = [];
    for (let i = 0; i < ls.length; i++) {
      const k = ls.key(i);
      if (k !== null && k.startsWith(ns)) keys.push(k);
    }
    return keys;
  };
  return {
    getItem: (key) => ls.getItem(ns + key),
    setItem: (key, value) => (HEADERS_KEY.test(key) ? ls.removeItem(ns + key) : ls.setItem(ns + key, scrubHeaders(key, value))),
    removeItem: (key) => ls.removeItem(ns + key),
    clear: () => ownKeys().forEach((k) => ls.removeItem(k)),
    get length() {
      return ownKeys().length;
    },
  };
}

/**
 * First load for this configuration (no stored tabs): seed the stored variables. GraphiQL 5 takes
 * the initial variables editor content from props/storage only (not from defaultTabs), while the
 * initial query falls back to `defaultQuery`. Passing `initialVariables`/`initialQuery` instead would make
 * GraphiQL append a new tab on every reload once the user edited the first one.
 */
function seedFirstLoad(storage: Storage, variables: string): void {
  if (storage.getItem('graphiql:tabState') === null && storage.getItem('graphiql:variables') === null) {
    storage.setItem('graphiql:variables', variables);
  }
}

function authHeaders(token: string, base = ''): string {
  let obj: Record<string, unknown> = {};
  try {
    const parsed: unknown = base.trim() ? JSON.parse(base) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) obj = parsed as Record<string, unknown>;
  } catch {
    /* unparsable header editor content: replace it */
  }
  for (const k of Object.keys(obj)) if (k.toLowerCase() === 'authorization') delete obj[k];
  return JSON.stringify({ ...obj, Authorization: `Bearer ${token}` }, null, 2);
}

const barStyle: CSSProperties = {
  display: 'flex',
  alignItems: 'center',
  gap: '8px',
  flexWrap: 'wrap',
  padding: '8px 12px',
  font: '14px Roboto, system-ui, sans-serif',
  background: 'hsl(40, 100%, 92%)',
  color: 'hsl(30, 60%, 20%)',
  borderBottom: '1px solid hsl(40, 60%, 70%)',
};
const okBarStyle: CSSProperties = { ...barStyle, background: 'hsl(140, 45%, 92%)', color: 'hsl(140, 50%, 18%)', borderBottom: '1px solid hsl(140, 30%, 70%)' };
const inputStyle: CSSProperties = { flex: '1 1 260px', minWidth: '180px', padding: '4px 8px', font: '13px "Fira Code", monospace' };

function TokenBar(props: { applied: boolean; onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = value.trim().replace(/^Bearer\s+/i, '');
    if (t) {
      props.onToken(t);
      setValue('');
    }
  };
  return (
    <form id="graphiql-token-form" style={props.applied ? okBarStyle : barStyle} onSubmit={submit} aria-label="Access token">
      <label htmlFor="graphiql-token-input">
        {props.applied ? (
          <>Token set in the <b>Headers</b> editor (Authorization: Bearer …). Replace it:</>
        ) : (
          <>
            <b>An access token is required.</b> Paste a bearer token; it is sent as the <code>Authorization</code> header (not stored):
          </>
        )}
      </label>
      <input
        id="graphiql-token-input"
        name="token"
        type="password"
        autoComplete="off"
        spellCheck={false}
        placeholder="Bearer token"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        style={inputStyle}
      />
      <button id="graphiql-token-apply" type="submit" disabled={!value.trim()}>
        Use token
      </button>
    </form>
  );
}

/** A token to put into the Headers editor; `n` tells two applications of the same token apart. */
interface AppliedToken {
  readonly value: string;
  readonly n: number;
}

/**
 * Rendered inside GraphiQL (its store): puts an applied token into the Headers editor, keeping
 * the other headers, and fetches the schema again with it, so the docs and autocompletion work.
 * GraphiQL introspects on mount, before Monaco has created the Headers editor, so that first
 * introspection (and GraphiQL's retry of it) goes without headers: once it is over and left no
 * schema while the editor holds headers (the embedded development token), fetch it again, once.
 */
function HeadersSync({ token }: { token: AppliedToken | null }) {
  const headerEditor = useGraphiQL((state) => state.headerEditor);
  const introspecting = useGraphiQL((state) => state.isIntrospecting);
  const hasSchema = useGraphiQL((state) => Boolean(state.schema));
  const { introspect } = useGraphiQLActions();
  const retried = useRef(false);

  useEffect(() => {
    if (retried.current || !headerEditor || introspecting) return;
    retried.current = true;
    if (!hasSchema && headerEditor.getValue().trim() !== '') void introspect();
  }, [headerEditor, introspecting, hasSchema, introspect]);

  useEffect(() => {
    if (!token || !headerEditor) return;
    headerEditor.setValue(authHeaders(token.value, headerEditor.getValue()));
    void introspect();
  }, [token, headerEditor, introspect]);
  return null;
}

function App({ config }: { config: GraphiqlConfig }) {
  const fetcher = useMemo(() => makeFetcher(config.endpoint), [config.endpoint]);
  const plugins = useMemo(() => [HISTORY_PLUGIN, explorerPlugin()], []);
  const storage = useMemo(() => {
    const st = namespacedStorage(`helpdesk-graphiql:${hash(JSON.stringify([config.endpoint, config.defaultQuery, config.defaultVariables]))}:`);
    seedFirstLoad(st, config.defaultVariables);
    return st;
  }, [config]);
  const initialHeaders = config.token ? authHeaders(config.token) : '';
  // Headers of tabs opened later: the last applied token.
  const [defaultHeaders, setDefaultHeaders] = useState(initialHeaders);
  const [token, setToken] = useState<AppliedToken | null>(null);
  const [tokenApplied, setTokenApplied] = useState(config.token !== null);

  const onToken = useCallback((value: string) => {
    setDefaultHeaders(authHeaders(value));
    setToken((prev) => ({ value, n: (prev?.n ?? 0) + 1 }));
    setTokenApplied(true);
  }, []);

  const toolsVisibility = config.token === null ? 'headers' : config.defaultVariables.trim() ? 'variables' : false;

  return (
    // Full-viewport layout via style props (CSSOM), so the page needs no inline <style> block.
    <div style={{ position: 'fixed', inset: 0, display: 'flex', flexDirection: 'column' }}>
      {config.token === null ? <TokenBar applied={tokenApplied} onToken={onToken} /> : null}
      <div style={{ flex: '1 1 auto', minHeight: 0 }}>
        <GraphiQL
          fetcher={fetcher}
          plugins={plugins}
          storage={storage}
          defaultQuery={config.defaultQuery}
          initialHeaders={initialHeaders}
          defaultHeaders={defaultHeaders}
          shouldPersistHeaders={false}
          showPersistHeadersSettings={false}
          defaultEditorToolsVisibility={toolsVisibility}
          isHeadersEditorEnabled
        >
          <HeadersSync token={token} />
        </GraphiQL>
      </div>
    </div>
  );
}

const config = readConfig();
const rootEl = document.getElementById('graphiql');
if (!rootEl) throw new Error('missing #graphiql element');
createRoot(rootEl).render(<App config={config} />);

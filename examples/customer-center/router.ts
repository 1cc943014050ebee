/**
 * Hash routes (`#/customers/ACME`), so that `GET /app` is the only page the service serves.
 */
import { useEffect, useState } from 'react';

/** A parsed route: path segments (decoded) and query parameters. */
export interface Route {
  readonly segments: readonly string[];
  readonly params: URLSearchParams;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const segments = path.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
  return { segments: segments.length > 0 ? segments : ['customers'], params: new URLSearchParams(query) };
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(window.location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parse(window.location.hash));
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** The href of a route: segments are encoded, parameters without a value left out. */
export function href(segments: readonly string[], params: Record<string, string | null | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') query.set(k, v);
  const qs = query.toString();
  return `#/${segments.map((s) => encodeURIComponent(s)).join('/')}${qs ? `?${qs}` : ''}`;
}

/** Navigates to a route. */
export function navigate(segments: readonly string[], params: Record<string, string | null | undefined> = {}): void {
  window.location.hash = href(segments, params);
}

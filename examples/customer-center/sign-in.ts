/**
 * Sign-in through the service's OpenID Connect issuer with oidc-client-ts: a public client,
 * authorization code with PKCE (S256), the page's own address as redirect URI. The signed-in user
 * (its tokens) lives in this tab's memory only; the state and PKCE code verifier of a sign-in in
 * progress stay in sessionStorage while the browser is at the provider (they must survive that
 * navigation) and are removed when it comes back.
 */
import { InMemoryWebStorage, UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { OidcAppConfig } from './config';

/** A signed-in user as the app keeps it. */
export interface SignedIn {
  /** The bearer token the API gets. */
  readonly accessToken: string;
}

/** The sign-in of the app with one issuer. */
export interface SignIn {
  /** The issuer's host, for the sign-in button. */
  readonly host: string;
  /** The page's URL holds the provider's answer (the browser comes back from a sign-in or sign-out). */
  readonly returning: boolean;
  /** Leaves for the provider's sign-in page; the current hash route is restored on return. */
  signIn(): Promise<void>;
  /**
   * Completes a return from the provider: the signed-in user after a sign-in (the URL held a code),
   * null when the URL holds no answer or after a sign-out. Code and state leave the URL either way.
   * Rejects with the provider's error (e.g. access_denied) or a stale or foreign answer.
   */
  complete(): Promise<SignedIn | null>;
  /**
   * Forgets the user; where the provider has an end_session_endpoint, the browser goes there to
   * end the provider's session too (RP-initiated logout) and comes back to this page.
   */
  signOut(): Promise<void>;
  /** Calls `listener` when the access token has expired; answers the unsubscribe. */
  onExpired(listener: () => void): () => void;
}

/** The page's address without query and hash: the redirect URI registered with the provider. */
function pageAddress(): string {
  return `${window.location.origin}${window.location.pathname}`;
}

function signedIn(user: User): SignedIn {
  return { accessToken: user.access_token };
}

/** Replaces the URL (no new history entry) by the page's address and `hash`; the router hears of a new hash. */
function cleanUrl(hash: string): void {
  const before = window.location.hash;
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${hash}`);
  if (hash !== before) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/** The sign-in through `config`'s issuer. */
export function createSignIn(config: OidcAppConfig): SignIn {
  const manager = new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: pageAddress(),
    post_logout_redirect_uri: pageAddress(),
    response_type: 'code',
    scope: config.scope,
    // The user (tokens) in memory only; a reload signs in again (silently where the provider's session lasts).
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    // No renewal in a hidden iframe (the page's CSP allows no frame of the provider): an expired token returns to the sign-in.
    automaticSilentRenew: false,
    monitorSession: false,
    loadUserInfo: false,
  });
  const answered = (params: URLSearchParams) => params.has('state') || params.has('error');
  return {
    host: new URL(config.authority).host,
    returning: answered(new URLSearchParams(window.location.search)),
    async signIn() {
      await manager.signinRedirect({ state: { hash: window.location.hash } });
    },
    async complete() {
      const url = window.location.href;
      const params = new URLSearchParams(window.location.search);
      if (!answered(params)) return null;
      let hash = window.location.hash;
      try {
        if (params.has('code') || params.has('error')) {
          const user = await manager.signinCallback(url);
          if (!user) return null;
          const back = (user.state as { hash?: unknown } | undefined)?.hash;
          if (typeof back === 'string' && back.startsWith('#/')) hash = back;
          return signedIn(user);
        }
        await manager.signoutCallback(url);
        return null;
      } finally {
        cleanUrl(hash);
        await manager.clearStaleState();
      }
    },
    async signOut() {
      if (await manager.metadataService.getEndSessionEndpoint().catch(() => undefined)) await manager.signoutRedirect();
      else await manager.removeUser();
    },
    onExpired(listener) {
      manager.events.addAccessTokenExpired(listener);
      return () => manager.events.removeAccessTokenExpired(listener);
    },
  };
}

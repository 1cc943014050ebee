/**
 * Entry of the reference Customer Information Center (bundled by scripts/build-app.mjs into
 * dist/app/, served at /app). React 18, Apollo Client 4, typed documents from `npm run codegen`.
 * The bearer token is the signed-in user's access token (sign-in.ts, when the service configures
 * the app's OpenID Connect client) or a pasted one (development); in memory only, either way.
 */
import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import './app.css';
import { createAppClient } from './client';
import { readConfig, type AppConfig } from './config';
import { CustomerCreateScreen } from './customer-create.screen';
import { CustomerDetailScreen } from './customer-detail.screen';
import { CustomerEditScreen } from './customer-edit.screen';
import { CustomerListScreen } from './customer-list.screen';
import { CustomerUserFormScreen } from './customer-user-form.screen';
import { href, navigate, useRoute, type Route } from './router';
import { createSignIn, type SignedIn, type SignIn } from './sign-in';
import { TicketCreateScreen } from './ticket-create.screen';
import { TokenForm } from './token.screen';
import { SignedInAs } from './viewer';

/** The bearer in use: the signed-in user's access token, or a pasted (or embedded) token. */
interface Session {
  readonly token: string;
  readonly via: 'oidc' | 'token';
}

function Screen({ route }: { route: Route }) {
  const [first, second, third] = route.segments;
  if (first === 'customers' && second === 'new') return <CustomerCreateScreen />;
  if (first === 'customers' && second && third === 'edit') return <CustomerEditScreen customerId={second} />;
  if (first === 'customers' && second) return <CustomerDetailScreen key={second} customerId={second} />;
  if (first === 'customer-users' && second === 'new') return <CustomerUserFormScreen login={null} customerId={route.params.get('customerId')} />;
  if (first === 'customer-users' && second && third === 'edit') return <CustomerUserFormScreen login={second} customerId={null} />;
  if (first === 'tickets' && second === 'new') return <TicketCreateScreen customerUser={route.params.get('customerUser')} customerId={route.params.get('customerId')} />;
  return <CustomerListScreen route={route} />;
}

/** How the return from the provider ended: settled at once, so a rejection is never left unhandled until React's first effect runs. */
type Returned = { readonly user: SignedIn | null } | { readonly error: unknown };

function App({ config, signIn, returned }: { config: AppConfig; signIn: SignIn | null; returned: Promise<Returned> }) {
  const route = useRoute();
  const [session, setSession] = useState<Session | null>(config.token ? { token: config.token, via: 'token' } : null);
  const current = useRef(session);
  current.current = session;
  const [completing, setCompleting] = useState(signIn?.returning ?? false);
  const [notice, setNotice] = useState<string | null>(null);
  const token = session?.token ?? null;
  const client = useMemo(() => createAppClient(config.endpoint, token), [config.endpoint, token]);
  useEffect(() => () => client.dispose(), [client]);
  useEffect(() => {
    void returned.then((r) => {
      if ('error' in r) setNotice(`The sign-in did not complete: ${r.error instanceof Error ? r.error.message : String(r.error)}`);
      else if (r.user) setSession({ token: r.user.accessToken, via: 'oidc' });
      setCompleting(false);
    });
  }, [returned]);
  // An expired access token (no silent renewal) returns to the sign-in screen.
  useEffect(
    () =>
      signIn?.onExpired(() => {
        if (current.current?.via !== 'oidc') return;
        setSession(null);
        setNotice('Your sign-in has expired. Sign in again.');
      }),
    [signIn],
  );
  const startSignIn = () => {
    setNotice(null);
    signIn?.signIn().catch((e: unknown) => setNotice(`The sign-in could not start: ${e instanceof Error ? e.message : String(e)}`));
  };
  const signOut = () => {
    const wasSignedIn = session?.via === 'oidc';
    setSession(null);
    setNotice(null);
    if (wasSignedIn) signIn?.signOut().catch((e: unknown) => setNotice(`The sign-out at the provider failed: ${e instanceof Error ? e.message : String(e)}`));
  };
  const onTokenPage = route.segments[0] === 'token';
  return (
    <ApolloProvider client={client.apollo}>
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          // Hash routes: move focus instead of changing the hash.
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="top">
        <a className="brand" href={href(['customers'])}>
          Customer Information Center
        </a>
        <nav aria-label="Main">
          <a href={href(['customers'])}>Customers</a>
          <a href={href(['customers', 'new'])}>Add customer</a>
          <a href={href(['token'])}>{token ? 'Token' : signIn ? 'Sign in' : 'Enter token'}</a>
        </nav>
        {session ? <SignedInAs key={session.token} onSignOut={signOut} /> : null}
      </header>
      <main id="main" tabIndex={-1}>
        {completing ? (
          <p className="loading" role="status" aria-live="polite">
            Signing in…
          </p>
        ) : token === null || onTokenPage ? (
          <TokenForm
            hasToken={token !== null}
            signIn={signIn ? { host: signIn.host, onSignIn: startSignIn } : null}
            notice={notice}
            onToken={(t) => {
              setSession({ token: t, via: 'token' });
              setNotice(null);
              if (onTokenPage) navigate(['customers']);
            }}
          />
        ) : (
          <Screen route={route} />
        )}
      </main>
    </ApolloProvider>
  );
}

const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('missing #root element');
const config = readConfig();
const signIn = config.oidc ? createSignIn(config.oidc) : null;
// A return from the provider (code and state in the URL) is completed once, before the first query.
// Its outcome is caught here: the provider's error (a cancel) can arrive before React's first
// effect attaches a handler, and the browser would report an unhandled rejection.
const returned: Promise<Returned> = (signIn ? signIn.complete() : Promise.resolve(null)).then(
  (user) => ({ user }),
  (error: unknown) => ({ error }),
);
createRoot(rootEl).render(<App config={config} signIn={signIn} returned={returned} />);

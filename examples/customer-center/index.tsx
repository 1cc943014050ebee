/**
 * Entry of the reference Customer Information Center (bundled by scripts/build-app.mjs into
 * dist/app/, served at /app). React 18, Apollo Client 4, typed documents from `npm run codegen`.
 */
import { ApolloProvider } from '@apollo/client/react';
import { useEffect, useMemo, useState } from 'react';
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
import { TicketCreateScreen } from './ticket-create.screen';
import { TokenForm } from './token.screen';

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

function App({ config }: { config: AppConfig }) {
  const route = useRoute();
  const [token, setToken] = useState<string | null>(config.token);
  const client = useMemo(() => createAppClient(config.endpoint, token), [config.endpoint, token]);
  useEffect(() => () => client.dispose(), [client]);
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
          <a href={href(['token'])}>{token ? 'Token' : 'Enter token'}</a>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {token === null || onTokenPage ? (
          <TokenForm
            hasToken={token !== null}
            onToken={(t) => {
              setToken(t);
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
createRoot(rootEl).render(<App config={readConfig()} />);

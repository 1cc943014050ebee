/**
 * Customer detail view (OTRS Customer Information Center): the information card with its fields,
 * counts, links and actions; the escalated, reminder and open ticket widgets; the customer users
 * widget; the paged ticket list. One query for the view, one per ticket page, and a
 * subscription that pushes the widgets' latest state into the cache when anything changes.
 */
import { useApolloClient, useQuery, useSubscription } from '@apollo/client/react';
import { useState } from 'react';
import { codeOf, graphqlErrors, onlyDegraded, unavailableSourceIds } from './errors';
import { AppCustomerDetailDocument, AppCustomerLiveDocument, AppCustomerTicketsDocument, type TicketRowFragment } from './generated/graphql';
import { href } from './router';
import { DegradedNotice, Failure, Loading, Tooltip } from './ui';

const TICKET_PAGE = 10;

function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** A table of tickets with its caption as the widget's heading. */
function TicketTable({ tickets, caption, columns }: { tickets: readonly TicketRowFragment[]; caption: string; columns: 'escalation' | 'reminder' | 'open' | 'all' }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="list compact">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Ticket#</th>
            <th scope="col">Title</th>
            <th scope="col">{columns === 'escalation' ? 'Escalation' : columns === 'reminder' ? 'Reminder' : 'State'}</th>
            <th scope="col" className="hide-narrow">
              {columns === 'all' ? 'Queue' : 'Customer user'}
            </th>
          </tr>
        </thead>
        <tbody>
          {tickets.map((t) => (
            <tr key={t.id}>
              <td>{t.number}</td>
              <td>{t.title}</td>
              <td>{columns === 'escalation' ? when(t.escalationAt) : columns === 'reminder' ? when(t.pendingUntil) : t.state}</td>
              <td className="hide-narrow">{columns === 'all' ? t.queue : (t.customerUser?.fullName ?? '')}</td>
            </tr>
          ))}
          {tickets.length === 0 ? (
            <tr>
              <td colSpan={4}>None.</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

/** A widget: a titled box with a count in its heading. */
function Widget({ id, title, count, children }: { id: string; title: string; count?: number; children: React.ReactNode }) {
  return (
    <section className="widget" aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`}>
        {title}
        {count !== undefined ? (
          <span className="badge" data-testid={`${id}-count`}>
            {count}
          </span>
        ) : null}
      </h2>
      {children}
    </section>
  );
}

/** The ticket list widget: its own query, paged both ways. */
function TicketList({ customerId, total }: { customerId: string; total: number }) {
  const [cursor, setCursor] = useState<{ after?: string | null; before?: string | null }>({});
  const variables = cursor.before ? { customerId, last: TICKET_PAGE, before: cursor.before } : { customerId, first: TICKET_PAGE, after: cursor.after ?? null };
  const { data, previousData, loading, error, refetch } = useQuery(AppCustomerTicketsDocument, { errorPolicy: 'all', variables, fetchPolicy: 'cache-and-network' });
  const page = (data ?? previousData)?.customer?.tickets;
  return (
    <Widget id="tickets" title="Tickets" count={page?.totalCount ?? total}>
      {error && !page ? <Failure error={error} onRetry={() => void refetch()} /> : null}
      {!page && loading ? <Loading what="tickets" /> : null}
      {page ? (
        <>
          <TicketTable tickets={page.edges.map((e) => e.node)} caption="All tickets, newest first" columns="all" />
          <nav className="pager" aria-label="Ticket pages">
            <button type="button" disabled={!page.pageInfo.hasPreviousPage} onClick={() => setCursor({ before: page.pageInfo.startCursor })}>
              ← Previous
            </button>
            <button type="button" disabled={!page.pageInfo.hasNextPage} onClick={() => setCursor({ after: page.pageInfo.endCursor })}>
              Next →
            </button>
          </nav>
        </>
      ) : null}
    </Widget>
  );
}

export function CustomerDetailScreen({ customerId }: { customerId: string }) {
  const { data, loading, error, refetch } = useQuery(AppCustomerDetailDocument, { errorPolicy: 'all', variables: { customerId }, fetchPolicy: 'cache-and-network' });
  const client = useApolloClient();
  const [pushes, setPushes] = useState(0);
  // The push is written to the cache under the customer's global id: the widgets re-render.
  const live = useSubscription(AppCustomerLiveDocument, {
    variables: { customerId },
    onData: () => {
      setPushes((n) => n + 1);
      // The ticket list is not in the push: ask for its current page again.
      void client.refetchQueries({ include: [AppCustomerTicketsDocument] });
    },
  });

  const c = data?.customer;
  if (!c) {
    if (loading) return <Loading what="the customer" />;
    if (data && !error) return <p role="alert">No customer “{customerId}”.</p>;
    // A lookup names no source in extensions (only lists do): show the service's message.
    const down = graphqlErrors(error).filter((e) => codeOf(e) === 'DATA_SOURCE_UNAVAILABLE');
    return down.length > 0 ? (
      <div className="notice" role="status" data-testid="degraded">
        <strong>Unavailable: {down.map((e) => e.message).join(' ')}</strong> The customer is kept there, so its card cannot be shown until the source answers again.{' '}
        <button type="button" onClick={() => void refetch()}>
          Retry
        </button>
      </div>
    ) : (
      <Failure error={error} onRetry={() => void refetch()} />
    );
  }
  const users = c.customerUsers;
  const missingUsers = users.unavailableSources;
  const otherMissing = unavailableSourceIds(error).filter((id) => !missingUsers.some((s) => s.id === id));
  const address = [c.street, [c.zip, c.city].filter(Boolean).join(' '), c.country?.name].filter(Boolean);

  return (
    <div className="detail">
      <div className="screen-head">
        <h1>
          {c.name} <span className="muted">({c.customerId})</span>
        </h1>
        <div className="actions">
          {c.viewerCanUpdate ? (
            <a className="button" href={href(['customers', c.customerId, 'edit'])}>
              Edit customer
            </a>
          ) : (
            <span className="muted">Read-only ({c.dataSource.name})</span>
          )}
          <a className="button" href={href(['customer-users', 'new'], { customerId: c.customerId })}>
            Add customer user
          </a>
        </div>
      </div>
      <p className="live" role="status" data-testid="live-status" data-pushes={pushes}>
        {live.error ? 'Live updates are off (the subscription failed).' : 'Live: this view updates itself when its tickets or customer users change.'}
      </p>
      {error && !onlyDegraded(error) ? <Failure error={error} onRetry={() => void refetch()} /> : null}
      <DegradedNotice sources={otherMissing.map((id) => ({ id }))} missing="Some parts of this view could not be read." />
      <div className="grid">
        <section className="widget card" aria-labelledby="info-title" data-testid="info-card">
          <h2 id="info-title">Customer information</h2>
          <dl className="fields">
            <dt>Customer ID</dt>
            <dd data-testid="customer-id">{c.customerId}</dd>
            <dt>Name</dt>
            <dd>{c.name}</dd>
            <dt>Address</dt>
            <dd>{address.length > 0 ? address.join(', ') : '—'}</dd>
            <dt>URL</dt>
            <dd>{c.url ? <a href={c.url} target="_blank" rel="noopener noreferrer">{c.url}</a> : '—'}</dd>
            <dt>Comment</dt>
            <dd>{c.comment ?? '—'}</dd>
            <dt>Validity</dt>
            <dd>{c.valid.toLowerCase().replace('_', '-')}</dd>
            <dt>Data source</dt>
            <dd>
              {c.dataSource.name}
              {c.readOnly ? ' (read-only)' : ''}
            </dd>
            <dt>Open tickets</dt>
            <dd data-testid="count-open">{c.ticketCounts.open}</dd>
            <dt>Closed tickets</dt>
            <dd data-testid="count-closed">{c.ticketCounts.closed}</dd>
          </dl>
          {c.links.length > 0 ? (
            <ul className="links" aria-label="Links">
              {c.links.map((l) => (
                <li key={`${l.kind}:${l.url}`}>
                  <a href={l.url} target="_blank" rel="noopener noreferrer" data-kind={l.kind}>
                    {l.label}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
        <Widget id="escalated" title="Escalated tickets" count={c.escalatedTickets.totalCount}>
          <TicketTable tickets={c.escalatedTickets.nodes} caption="Escalated tickets, most overdue first" columns="escalation" />
        </Widget>
        <Widget id="reminders" title="Reminder tickets" count={c.reminderTickets.totalCount}>
          <TicketTable tickets={c.reminderTickets.nodes} caption="Reminder tickets, soonest first" columns="reminder" />
        </Widget>
        <Widget id="open" title="Open tickets" count={c.openTickets.totalCount}>
          <TicketTable tickets={c.openTickets.nodes} caption="Open tickets, newest first" columns="open" />
        </Widget>
        <Widget id="users" title="Customer users" count={users.totalCount}>
          <DegradedNotice sources={missingUsers} missing="Its customer users are missing from this list; the local ones are shown." />
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Customer users">
            <table className="list compact">
              <caption className="visually-hidden">Customer users of {c.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Customer user</th>
                  <th scope="col" className="num">
                    Open
                  </th>
                  <th scope="col" className="num">
                    Closed
                  </th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {users.nodes.map((u) => (
                  <tr key={u.id} data-login={u.login}>
                    <td>
                      <Tooltip
                        label={`Business card of ${u.login}`}
                        trigger={(props) => (
                          <a {...props} href={href(['customer-users', u.login, 'edit'])} className="user-name">
                            {u.fullName}
                          </a>
                        )}
                        content={() => (
                          <span className="card-body" data-testid="user-card">
                            <strong className="card-title">{u.fullName}</strong>
                            <span className="card-line">Login: {u.login}</span>
                            <span className="card-line">{u.email}</span>
                            {u.phone ? <span className="card-line">{u.phone}</span> : null}
                            <span className="card-line">
                              Tickets: {u.ticketCounts.open} open, {u.ticketCounts.closed} closed
                            </span>
                          </span>
                        )}
                      />
                    </td>
                    <td className="num">{u.ticketCounts.open}</td>
                    <td className="num">{u.ticketCounts.closed}</td>
                    <td className="row-actions">
                      {u.viewerCanUpdate ? (
                        <a href={href(['customer-users', u.login, 'edit'])} aria-label={`Edit ${u.fullName}`}>
                          Edit
                        </a>
                      ) : null}
                      <a href={href(['tickets', 'new'], { customerUser: u.login, customerId: c.customerId })} aria-label={`Create ticket for ${u.fullName}`}>
                        Create ticket
                      </a>
                    </td>
                  </tr>
                ))}
                {users.nodes.length === 0 ? (
                  <tr>
                    <td colSpan={4}>No customer users.</td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
        </Widget>
      </div>
      <TicketList customerId={c.customerId} total={c.ticketCounts.total} />
      <p className="back">
        <a href={href(['customers'])}>← All customers</a>
      </p>
    </div>
  );
}

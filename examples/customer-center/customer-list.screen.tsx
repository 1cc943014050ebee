/**
 * Customer list (OTRS Customers overview): valid customers of every source by name, a literal
 * search, paging both ways by cursor, open and closed counts kept live, the business card on the
 * id and the name, a pencil to edit, a click to open the detail view.
 */
import { useQuery, useSubscription } from '@apollo/client/react';
import { useEffect, useState, type FormEvent } from 'react';
import { CustomerCardLink } from './business-card';
import { onlyDegraded } from './errors';
import { AppCustomerListDocument, AppCustomerListLiveDocument } from './generated/graphql';
import { href, navigate, type Route } from './router';
import { DegradedNotice, Failure, Loading } from './ui';

/** Rows per page. */
export const PAGE_SIZE = 10;

export function CustomerListScreen({ route }: { route: Route }) {
  const search = route.params.get('search') ?? '';
  const after = route.params.get('after');
  const before = route.params.get('before');
  // Forward pages ask first/after, backward pages last/before: the API pages both ways.
  // errorPolicy 'all': a degraded list answers data and DATA_SOURCE_UNAVAILABLE errors together; keep both.
  const variables = before ? { search: search || null, last: PAGE_SIZE, before } : { search: search || null, first: PAGE_SIZE, after };
  const { data, previousData, loading, error, refetch } = useQuery(AppCustomerListDocument, { errorPolicy: 'all', variables, fetchPolicy: 'cache-and-network' });
  const list = (data ?? previousData)?.customers;
  const ids = list?.edges.map((e) => e.node.customerId) ?? [];
  // Pushes land in the cache under each customer's global id: the rows re-render by themselves.
  useSubscription(AppCustomerListLiveDocument, { variables: { customerIds: ids }, skip: ids.length === 0 });
  const [query, setQuery] = useState(search);
  useEffect(() => setQuery(search), [search]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(['customers'], { search: query.trim() });
  };

  return (
    <section aria-labelledby="list-title">
      <div className="screen-head">
        <h1 id="list-title">Customers</h1>
        <a className="button" href={href(['customers', 'new'])}>
          Add customer
        </a>
      </div>
      <form className="search" role="search" onSubmit={submit}>
        <label htmlFor="customer-search">Search customers</label>
        <input id="customer-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Customer ID or name" />
        <button type="submit">Search</button>
      </form>
      {error && !onlyDegraded(error) ? <Failure error={error} onRetry={() => void refetch()} /> : null}
      {list ? <DegradedNotice sources={list.unavailableSources} missing="Their customers are missing from this list." /> : null}
      {!list && loading ? <Loading what="customers" /> : null}
      {list ? (
        <>
          <p className="summary" aria-live="polite" data-testid="list-summary">
            {list.totalCount} customer{list.totalCount === 1 ? '' : 's'}
            {search ? ` matching “${search}”` : ''}
          </p>
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="list-title">
            <table className="list">
              <caption className="visually-hidden">Valid customers by name</caption>
              <thead>
                <tr>
                  <th scope="col">Customer ID</th>
                  <th scope="col">Name</th>
                  <th scope="col" className="hide-narrow">
                    City
                  </th>
                  <th scope="col" className="hide-narrow">
                    Source
                  </th>
                  <th scope="col" className="num">
                    Open
                  </th>
                  <th scope="col" className="num">
                    Closed
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.edges.map(({ node: c }) => (
                  <tr key={c.id} data-customer-id={c.customerId} className="clickable" onClick={(e) => {
                    if (!(e.target as HTMLElement).closest('a,button')) navigate(['customers', c.customerId]);
                  }}>
                    <td>
                      <CustomerCardLink customerId={c.customerId} text={c.customerId} className="cell-id" />
                    </td>
                    <td>
                      <CustomerCardLink customerId={c.customerId} text={c.name} className="cell-name" />
                    </td>
                    <td className="hide-narrow">{[c.city, c.country?.code].filter(Boolean).join(', ')}</td>
                    <td className="hide-narrow">{c.dataSource.name}</td>
                    <td className="num" data-testid="open">
                      {c.ticketCounts.open}
                    </td>
                    <td className="num" data-testid="closed">
                      {c.ticketCounts.closed}
                    </td>
                    <td>
                      {c.viewerCanUpdate ? (
                        <a className="icon-button" href={href(['customers', c.customerId, 'edit'])} aria-label={`Edit ${c.name}`} title="Edit">
                          <span aria-hidden="true">✎</span>
                        </a>
                      ) : (
                        <span className="muted" title="Read-only data source">
                          <span className="visually-hidden">{`${c.name} is read-only`}</span>
                          <span aria-hidden="true">—</span>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
                {list.edges.length === 0 ? (
                  <tr>
                    <td colSpan={7}>No customers.</td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Customer list pages">
            <a
              className="button"
              aria-disabled={!list.pageInfo.hasPreviousPage}
              href={list.pageInfo.hasPreviousPage ? href(['customers'], { search, before: list.pageInfo.startCursor }) : undefined}
            >
              ← Previous
            </a>
            <a
              className="button"
              aria-disabled={!list.pageInfo.hasNextPage}
              href={list.pageInfo.hasNextPage ? href(['customers'], { search, after: list.pageInfo.endCursor }) : undefined}
            >
              Next →
            </a>
          </nav>
        </>
      ) : null}
    </section>
  );
}

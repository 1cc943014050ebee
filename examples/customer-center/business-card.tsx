/**
 * The customer's business card (OTRS: hovering a customer id or name in a list): address,
 * country, links and ticket counts, fetched when first opened and then served from the cache.
 */
import { useQuery } from '@apollo/client/react';
import { AppBusinessCardDocument } from './generated/graphql';
import { href } from './router';
import { Tooltip } from './ui';

/** The card's content for one customer id. */
function CardBody({ customerId }: { customerId: string }) {
  const { data, loading, error } = useQuery(AppBusinessCardDocument, { errorPolicy: 'all', variables: { customerId } });
  const c = data?.customer;
  if (!c) return <span className="card-body">{loading ? 'Loading…' : error ? 'The card could not be loaded.' : 'No such customer.'}</span>;
  const address = [c.street, [c.zip, c.city].filter(Boolean).join(' ')].filter(Boolean);
  return (
    <span className="card-body" data-testid="business-card">
      <strong className="card-title">{c.name}</strong>
      <span className="card-line">Customer ID: {c.customerId}</span>
      {address.map((line) => (
        <span key={line} className="card-line">
          {line}
        </span>
      ))}
      {c.country ? <span className="card-line">{c.country.name}</span> : null}
      <span className="card-line">
        Tickets: <span data-testid="card-open">{c.ticketCounts.open}</span> open, <span data-testid="card-closed">{c.ticketCounts.closed}</span> closed
      </span>
      {c.links.length > 0 ? (
        <span className="card-line card-links">
          {c.links.map((l) => (
            <a key={`${l.kind}:${l.url}`} href={l.url} target="_blank" rel="noopener noreferrer" tabIndex={-1}>
              {l.label}
            </a>
          ))}
        </span>
      ) : null}
    </span>
  );
}

/** A link to the customer's detail view that shows the business card on hover and keyboard focus. */
export function CustomerCardLink({ customerId, text, className }: { customerId: string; text: string; className?: string }) {
  return (
    <Tooltip
      label={`Business card of ${customerId}`}
      trigger={(props) => (
        <a {...props} className={className} href={href(['customers', customerId])}>
          {text}
        </a>
      )}
      content={() => <CardBody customerId={customerId} />}
    />
  );
}

import { registerEnumType } from 'type-graphql';
import { DataSourceObject, Validity } from '../../domain/records';
import { TicketStateType } from '../../domain/tickets';

registerEnumType(Validity, {
  name: 'Validity',
  description: 'Validity of a customer or customer user, as in OTRS. Only VALID records are used for new work.',
  valuesConfig: {
    VALID: { description: 'In use: listed by default and offered for new tickets.' },
    INVALID: { description: 'No longer in use: kept for the history, left out of lists unless asked for.' },
    INVALID_TEMPORARILY: { description: 'Not in use for now (e.g. a locked directory account); left out of lists unless asked for.' },
  },
});
registerEnumType(TicketStateType, {
  name: 'TicketStateType',
  description: "The state type of a ticket; the state itself (e.g. 'closed successful') is free text.",
  valuesConfig: {
    NEW: { description: "A new ticket nobody has worked on yet (state 'new'); counted as open." },
    OPEN: { description: "A ticket being worked on (state 'open'); counted as open." },
    PENDING_REMINDER: { description: "Waiting until pendingUntil, then reminding its owner (state 'pending reminder'); counted as open." },
    PENDING_AUTO: { description: "Closed automatically at pendingUntil ('pending auto close+' or 'pending auto close-'); counted as closed." },
    CLOSED: { description: "Closed ('closed successful' or 'closed unsuccessful')." },
    MERGED: { description: "Merged into another ticket (state 'merged'); counted as closed." },
    REMOVED: { description: "Removed (state 'removed'); counted as closed." },
  },
});
registerEnumType(DataSourceObject, {
  name: 'DataSourceObject',
  description: 'What kind of record a data source serves.',
  valuesConfig: {
    CUSTOMER: { description: 'Customers (organizations).' },
    CUSTOMER_USER: { description: 'Customer users (people).' },
  },
});

export { DataSourceObject, TicketStateType, Validity };

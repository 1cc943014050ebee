import { registerEnumType } from 'type-graphql';
import { DataSourceObject, Validity } from '../../domain/records';
import { TicketStateType } from '../../domain/tickets';

registerEnumType(Validity, {
  name: 'Validity',
  description: 'Validity of a customer or customer user, as in OTRS. Only VALID records are used for new work.',
});
registerEnumType(TicketStateType, {
  name: 'TicketStateType',
  description: "The state type of a ticket; the state itself (e.g. 'closed successful') is free text.",
});
registerEnumType(DataSourceObject, { name: 'DataSourceObject', description: 'What kind of record a data source serves.' });

export { DataSourceObject, TicketStateType, Validity };

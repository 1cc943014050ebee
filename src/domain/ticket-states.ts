/** The state type of a ticket, as in OTRS. */
export enum TicketStateType {
  NEW = 'NEW',
  OPEN = 'OPEN',
  PENDING_REMINDER = 'PENDING_REMINDER',
  PENDING_AUTO = 'PENDING_AUTO',
  CLOSED = 'CLOSED',
  MERGED = 'MERGED',
  REMOVED = 'REMOVED',
}

/** The ticket states of a default OTRS installation and their types. */
export const TICKET_STATES: ReadonlyMap<string, TicketStateType> = new Map([
  ['new', TicketStateType.NEW],
  ['open', TicketStateType.OPEN],
  ['closed successful', TicketStateType.CLOSED],
  ['closed unsuccessful', TicketStateType.CLOSED],
  ['pending reminder', TicketStateType.PENDING_REMINDER],
  ['pending auto close+', TicketStateType.PENDING_AUTO],
  ['pending auto close-', TicketStateType.PENDING_AUTO],
  ['merged', TicketStateType.MERGED],
  ['removed', TicketStateType.REMOVED],
]);

/** The ticket priorities of a default OTRS installation. */
export const TICKET_PRIORITIES: readonly string[] = ['1 very low', '2 low', '3 normal', '4 high', '5 very high'];

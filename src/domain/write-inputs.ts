import { z } from 'zod';
import { comment, country, customerId, email, login, optionalText, requiredName, url } from './input-rules';
import { TICKET_PRIORITIES, TICKET_STATES } from './ticket-states';
import { Validity } from './validity';

/*
 * The write inputs of the API, one definition each: a zod schema of the contract's rules
 * (`input-rules.ts`) whose output is the domain's input type (`NewCustomer`, `CustomerPatch`, ...,
 * inferred below and re-exported by `records.ts` and `tickets.ts`). What a caller submits is the
 * schema's input (`...Input`); the services parse it (`src/validation/parse-input.ts`) and hand
 * the output to the data sources and the ticket store. Field names follow the API (`country`)
 * up to the schema, the records (`countryCode`) after it.
 */

/**
 * A write input as a caller submits it, before validation: the schema's input, where every field
 * may also be null (GraphQL's nullable input fields). The schema refuses a null it does not take
 * (`name: null` in an update is "name is required").
 */
export type Submitted<S extends z.ZodType> = { readonly [K in keyof z.input<S>]: z.input<S>[K] | null };

const validity = z.enum(Validity);
const optional = <T extends z.ZodType>(schema: T) => schema.optional();
/** Text a new record may leave out: absent, null or empty is null. */
const absentText = (rule: z.ZodType<string | null, string | null> = optionalText()) => rule.optional().transform((s) => s ?? null);

/** createCustomer's input: a new customer, `country` stored as the upper-case `countryCode`. */
export const newCustomerSchema = z
  .object({
    customerId,
    name: requiredName,
    valid: validity.nullish().transform((v) => v ?? Validity.VALID),
    street: absentText(),
    zip: absentText(),
    city: absentText(),
    country,
    url: absentText(url),
    comment: absentText(comment),
  })
  .transform(({ country, ...customer }) => ({ ...customer, countryCode: country }));

/** updateCustomer's input: only given keys; null clears an optional field. */
export const customerPatchSchema = z
  .object({
    customerId: optional(customerId),
    name: optional(requiredName),
    valid: optional(validity),
    street: optional(optionalText()),
    zip: optional(optionalText()),
    city: optional(optionalText()),
    country: optional(country),
    url: optional(url),
    comment: optional(comment),
  })
  .transform(({ country, ...patch }) => ({ ...patch, ...(country !== undefined && { countryCode: country }) }));

const additionalIds = z.array(customerId).max(100, 'must list at most 100 customer ids');

/** createCustomerUser's input: a new customer user; `additionalCustomerIds` are its further customer ids (the primary one aside). */
export const newCustomerUserSchema = z
  .object({
    email,
    title: absentText(),
    firstName: requiredName,
    lastName: requiredName,
    phone: absentText(),
    mobile: absentText(),
    street: absentText(),
    zip: absentText(),
    city: absentText(),
    country: country.nullish().transform((c) => c ?? null),
    comment: absentText(comment),
    login,
    valid: validity.nullish().transform((v) => v ?? Validity.VALID),
    customerId,
    additionalCustomerIds: additionalIds.nullish().transform((v): readonly string[] => v ?? []),
  })
  .transform(({ country, ...user }) => ({ ...user, countryCode: country }));

/** updateCustomerUser's input: only given keys; null clears an optional field. */
export const customerUserPatchSchema = z
  .object({
    email: optional(email),
    title: optional(optionalText()),
    firstName: optional(requiredName),
    lastName: optional(requiredName),
    phone: optional(optionalText()),
    mobile: optional(optionalText()),
    street: optional(optionalText()),
    zip: optional(optionalText()),
    city: optional(optionalText()),
    country: optional(country.nullable()),
    comment: optional(comment),
    valid: optional(validity),
    customerId: optional(customerId),
    additionalCustomerIds: optional(additionalIds.nullable().transform((v): readonly string[] => v ?? [])),
  })
  .transform(({ country, ...patch }) => ({ ...patch, ...(country !== undefined && { countryCode: country }) }));

const title = z
  .string()
  .refine((s) => s.isWellFormed() && !/[\u0000-\u001f\u007f]/.test(s), 'must be valid text without control characters')
  .transform((s) => s.trim())
  .pipe(z.string().min(1, 'is required').max(255, 'must be at most 255 characters'));
const state = z.string().refine((s) => TICKET_STATES.has(s), `must be one of: ${[...TICKET_STATES.keys()].join(', ')}`);
const priority = z.string().refine((s) => TICKET_PRIORITIES.includes(s), `must be one of: ${TICKET_PRIORITIES.join(', ')}`);
const queue = requiredName.pipe(z.string().max(200));
const date = z.date();

/** A known state (the schema refined it) and its state type. */
const withType = (s: string) => ({ state: s, stateType: TICKET_STATES.get(s)! });

/**
 * createTicket's input: a new ticket with its state type. The service resolves the customer
 * references (and checks `pendingUntil` against the state) before the ticket store gets it.
 */
export const newTicketSchema = z
  .object({
    title,
    customerUserLogin: login.nullish().transform((l) => l ?? null),
    customerId: customerId.nullish().transform((c) => c ?? null),
    state: state.nullish().transform((v) => v ?? 'new'),
    priority: priority.nullish().transform((v) => v ?? '3 normal'),
    queue: queue.nullish().transform((v) => v ?? 'Raw'),
    pendingUntil: date.nullish().transform((d) => d ?? null),
    escalationAt: date.nullish().transform((d) => d ?? null),
  })
  .transform(({ state, ...ticket }) => ({ ...ticket, ...withType(state) }));

/** updateTicket's input: a new state brings its state type. */
export const ticketPatchSchema = z
  .object({
    title: optional(title),
    state: optional(state),
    priority: optional(priority),
    queue: optional(queue),
    pendingUntil: optional(date.nullable()),
    escalationAt: optional(date.nullable()),
  })
  .transform(({ state, ...patch }) => ({ ...patch, ...(state !== undefined && withType(state)) }));

/** Fields of a new customer, validated and normalized. */
export type NewCustomer = Readonly<z.output<typeof newCustomerSchema>>;
/** A validated change to a customer: absent keys stay as they are, null clears. */
export type CustomerPatch = Readonly<z.output<typeof customerPatchSchema>>;
/** Fields of a new customer user, validated and normalized (`additionalCustomerIds`: the further customer ids). */
export type NewCustomerUser = Readonly<z.output<typeof newCustomerUserSchema>>;
/** A validated change to a customer user: absent keys stay as they are, null clears. */
export type CustomerUserPatch = Readonly<z.output<typeof customerUserPatchSchema>>;
/** Fields of a new ticket, validated; the service resolves its customer references. */
export type NewTicket = Readonly<z.output<typeof newTicketSchema>>;
/** A validated change to a ticket: absent keys stay as they are, null clears. */
export type TicketPatch = Readonly<z.output<typeof ticketPatchSchema>>;

/** What createCustomer submits (besides the target data source). */
export type NewCustomerInput = Submitted<typeof newCustomerSchema>;
/** What updateCustomer submits. */
export type CustomerPatchInput = Submitted<typeof customerPatchSchema>;
/** What createCustomerUser submits (besides the target data source). */
export type NewCustomerUserInput = Submitted<typeof newCustomerUserSchema>;
/** What updateCustomerUser submits. */
export type CustomerUserPatchInput = Submitted<typeof customerUserPatchSchema>;
/** What createTicket submits. */
export type NewTicketInput = Submitted<typeof newTicketSchema>;
/** What updateTicket submits. */
export type TicketPatchInput = Submitted<typeof ticketPatchSchema>;

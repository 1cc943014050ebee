import { z } from 'zod';
import { Validity } from '../domain/records';
import { TICKET_PRIORITIES, TICKET_STATES } from '../domain/tickets';
import { comment, country, customerId, email, login, optionalText, requiredName, url } from './rules';

const validity = z.enum(Validity);
const optional = <T extends z.ZodType>(schema: T) => schema.optional();

/** createCustomer's input. */
export const newCustomerSchema = z.object({
  customerId,
  name: requiredName,
  valid: validity.nullish().transform((v) => v ?? Validity.VALID),
  street: optional(optionalText()),
  zip: optional(optionalText()),
  city: optional(optionalText()),
  country,
  url: optional(url),
  comment: optional(comment),
});

/** updateCustomer's input: only given keys; null clears an optional field. */
export const customerPatchSchema = z.object({
  customerId: optional(customerId),
  name: optional(requiredName),
  valid: optional(validity),
  street: optional(optionalText()),
  zip: optional(optionalText()),
  city: optional(optionalText()),
  country: optional(country),
  url: optional(url),
  comment: optional(comment),
});

const additionalIds = z.array(customerId).max(100, 'must list at most 100 customer ids');

const userFields = {
  email,
  title: optional(optionalText()),
  firstName: requiredName,
  lastName: requiredName,
  phone: optional(optionalText()),
  mobile: optional(optionalText()),
  street: optional(optionalText()),
  zip: optional(optionalText()),
  city: optional(optionalText()),
  country: optional(country.nullable()),
  comment: optional(comment),
};

/** createCustomerUser's input. */
export const newCustomerUserSchema = z.object({
  ...userFields,
  login,
  valid: validity.nullish().transform((v) => v ?? Validity.VALID),
  customerId,
  additionalCustomerIds: additionalIds.nullish().transform((v) => v ?? []),
});

/** updateCustomerUser's input. */
export const customerUserPatchSchema = z.object({
  email: optional(email),
  title: userFields.title,
  firstName: optional(requiredName),
  lastName: optional(requiredName),
  phone: userFields.phone,
  mobile: userFields.mobile,
  street: userFields.street,
  zip: userFields.zip,
  city: userFields.city,
  country: userFields.country,
  comment: userFields.comment,
  valid: optional(validity),
  customerId: optional(customerId),
  additionalCustomerIds: optional(additionalIds.nullable().transform((v) => v ?? [])),
});

const title = z
  .string()
  .refine((s) => s.isWellFormed() && !/[\u0000-\u001f\u007f]/.test(s), 'must be valid text without control characters')
  .transform((s) => s.trim())
  .pipe(z.string().min(1, 'is required').max(255, 'must be at most 255 characters'));
const state = z.string().refine((s) => TICKET_STATES.has(s), `must be one of: ${[...TICKET_STATES.keys()].join(', ')}`);
const priority = z.string().refine((s) => TICKET_PRIORITIES.includes(s), `must be one of: ${TICKET_PRIORITIES.join(', ')}`);
const queue = requiredName.pipe(z.string().max(200));
const date = z.date();

/** createTicket's input (references are checked by the service). */
export const newTicketSchema = z.object({
  title,
  customerUserLogin: optional(login.nullable()),
  customerId: optional(customerId.nullable()),
  state: state.nullish().transform((v) => v ?? 'new'),
  priority: priority.nullish().transform((v) => v ?? '3 normal'),
  queue: queue.nullish().transform((v) => v ?? 'Raw'),
  pendingUntil: optional(date.nullable()),
  escalationAt: optional(date.nullable()),
});

/** updateTicket's input. */
export const ticketPatchSchema = z.object({
  title: optional(title),
  state: optional(state),
  priority: optional(priority),
  queue: optional(queue),
  pendingUntil: optional(date.nullable()),
  escalationAt: optional(date.nullable()),
});

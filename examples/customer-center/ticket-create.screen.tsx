/**
 * Create ticket for a customer user (the action of the customer users widget). Only the customer
 * data of a ticket: title, state, priority, queue, and the times pending states need.
 */
import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { splitFieldErrors } from './errors';
import { AppCreateTicketDocument } from './generated/graphql';
import { navigate } from './router';
import { SelectField, TextField, useFocusFirstInvalid } from './ui';

const STATES = ['new', 'open', 'pending reminder', 'pending auto close+', 'pending auto close-', 'closed successful', 'closed unsuccessful'];
const PRIORITIES = ['1 very low', '2 low', '3 normal', '4 high', '5 very high'];
const FIELDS = ['title', 'state', 'priority', 'queue', 'pendingUntil', 'customerUserLogin', 'customerId'] as const;

export function TicketCreateScreen({ customerUser, customerId }: { customerUser: string | null; customerId: string | null }) {
  const [values, setValues] = useState({ title: '', state: 'new', priority: '3 normal', queue: 'Raw', pendingUntil: '', customerUserLogin: customerUser ?? '', customerId: customerId ?? '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [create] = useMutation(AppCreateTicketDocument);
  useFocusFirstInvalid(errors);
  const set = (k: keyof typeof values) => (v: string) => setValues((old) => ({ ...old, [k]: v }));
  const pending = values.state.startsWith('pending');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const res = await create({
        variables: {
          input: {
            title: values.title,
            state: values.state,
            priority: values.priority,
            queue: values.queue,
            customerUserLogin: values.customerUserLogin || null,
            customerId: values.customerId || null,
            pendingUntil: pending && values.pendingUntil ? new Date(values.pendingUntil).toISOString() : null,
          },
        },
      });
      navigate(['customers', res.data?.createTicket.customerId ?? values.customerId]);
    } catch (err) {
      const split = splitFieldErrors(err, FIELDS);
      setErrors(split.byField);
      setOther(split.other);
    }
  };

  return (
    <section aria-labelledby="ticket-title">
      <h1 id="ticket-title">Create ticket{customerUser ? ` for ${customerUser}` : ''}</h1>
      <form className="form" onSubmit={submit} noValidate>
        {other.length > 0 ? (
          <div className="alert" role="alert" data-testid="form-error">
            {other.map((m) => (
              <p key={m}>{m}</p>
            ))}
          </div>
        ) : null}
        <TextField name="title" label="Title" required value={values.title} onChange={set('title')} error={errors.title} />
        <div className="row">
          <TextField name="customerUserLogin" label="Customer user" value={values.customerUserLogin} onChange={set('customerUserLogin')} error={errors.customerUserLogin} />
          <TextField name="customerId" label="Customer ID" value={values.customerId} onChange={set('customerId')} error={errors.customerId} />
        </div>
        <div className="row">
          <SelectField name="state" label="State" required value={values.state} onChange={set('state')} error={errors.state} options={STATES.map((s) => ({ value: s, label: s }))} />
          <SelectField name="priority" label="Priority" required value={values.priority} onChange={set('priority')} error={errors.priority} options={PRIORITIES.map((s) => ({ value: s, label: s }))} />
        </div>
        <TextField name="queue" label="Queue" value={values.queue} onChange={set('queue')} error={errors.queue} />
        {pending ? (
          <TextField name="pendingUntil" label="Pending until" required type="datetime-local" value={values.pendingUntil} onChange={set('pendingUntil')} error={errors.pendingUntil} />
        ) : null}
        <div className="actions">
          <button type="submit" className="primary">
            Create ticket
          </button>
          <button type="button" onClick={() => history.back()}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

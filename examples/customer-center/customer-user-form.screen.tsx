/**
 * Add customer user (the customer id filled in from the detail view) and edit customer user.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { splitFieldErrors } from './errors';
import { AppCreateCustomerUserDocument, AppCustomerUserFormDocument, AppUpdateCustomerUserDocument, type UpdateCustomerUserInput } from './generated/graphql';
import { navigate } from './router';
import { Failure, Loading, SelectField, TextField, useFocusFirstInvalid, VALIDITY_OPTIONS } from './ui';

const FIELDS = ['dataSource', 'login', 'firstName', 'lastName', 'email', 'customerId', 'additionalCustomerIds', 'title', 'phone', 'mobile', 'street', 'zip', 'city', 'country', 'valid'] as const;
type Values = Record<(typeof FIELDS)[number], string>;
const REQUIRED = new Set(['login', 'firstName', 'lastName', 'email', 'customerId', 'valid', 'dataSource']);

/** `login` null: add a user; else edit that user. */
export function CustomerUserFormScreen({ login, customerId }: { login: string | null; customerId: string | null }) {
  const { data, loading, error, refetch } = useQuery(AppCustomerUserFormDocument, { errorPolicy: 'all', variables: { login: login ?? '', withUser: login !== null }, fetchPolicy: 'cache-and-network' });
  if (!data) return loading ? <Loading what="the form" /> : <Failure error={error} onRetry={() => void refetch()} />;
  const u = data.customerUser;
  if (login !== null && !u) return <p role="alert">No customer user “{login}”.</p>;
  const sources = data.dataSources.filter((s) => s.objects.includes('CUSTOMER_USER') && !s.readOnly);
  const initial: Values = {
    dataSource: u?.dataSource.id ?? sources[0]?.id ?? '',
    login: u?.login ?? '',
    firstName: u?.firstName ?? '',
    lastName: u?.lastName ?? '',
    email: u?.email ?? '',
    customerId: u?.customerId ?? customerId ?? '',
    additionalCustomerIds: u ? u.customerIds.slice(1).join(', ') : '',
    title: u?.title ?? '',
    phone: u?.phone ?? '',
    mobile: u?.mobile ?? '',
    street: u?.street ?? '',
    zip: u?.zip ?? '',
    city: u?.city ?? '',
    country: u?.country?.code ?? '',
    valid: u?.valid ?? 'VALID',
  };
  return (
    <UserForm
      key={u?.id ?? 'new'}
      editing={u ? { login: u.login, canUpdate: u.viewerCanUpdate, source: u.dataSource.name } : null}
      initial={initial}
      sources={sources}
      countries={data.countries}
    />
  );
}

function UserForm(props: {
  editing: { login: string; canUpdate: boolean; source: string } | null;
  initial: Values;
  sources: readonly { id: string; name: string }[];
  countries: readonly { code: string; name: string }[];
}) {
  const [values, setValues] = useState(props.initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [create] = useMutation(AppCreateCustomerUserDocument);
  const [update] = useMutation(AppUpdateCustomerUserDocument);
  useFocusFirstInvalid(errors);
  const set = (k: keyof Values) => (v: string) => setValues((old) => ({ ...old, [k]: v }));
  const opt = (v: string) => (v.trim() === '' ? null : v);
  const ids = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      if (props.editing) {
        const input: UpdateCustomerUserInput = {};
        for (const k of FIELDS) {
          if (k === 'login' || k === 'dataSource' || values[k] === props.initial[k]) continue;
          if (k === 'additionalCustomerIds') input.additionalCustomerIds = ids(values[k]);
          else (input as Record<string, string | null>)[k] = REQUIRED.has(k) ? values[k] : opt(values[k]);
        }
        await update({ variables: { login: props.editing.login, input } });
      } else {
        await create({
          variables: {
            input: {
              dataSource: values.dataSource,
              login: values.login,
              firstName: values.firstName,
              lastName: values.lastName,
              email: values.email,
              customerId: values.customerId,
              additionalCustomerIds: ids(values.additionalCustomerIds),
              title: opt(values.title),
              phone: opt(values.phone),
              mobile: opt(values.mobile),
              street: opt(values.street),
              zip: opt(values.zip),
              city: opt(values.city),
              country: opt(values.country),
              valid: values.valid as 'VALID',
            },
          },
        });
      }
      navigate(['customers', values.customerId]);
    } catch (err) {
      const split = splitFieldErrors(err, FIELDS);
      setErrors(split.byField);
      setOther(split.other);
    }
  };

  const title = props.editing ? `Edit customer user ${props.editing.login}` : 'Add customer user';
  if (props.editing && !props.editing.canUpdate) {
    return (
      <section>
        <h1>{title}</h1>
        <p className="notice" role="status">
          This customer user comes from {props.editing.source}, a read-only data source.
        </p>
      </section>
    );
  }
  const f = (k: keyof Values, label: string, extra: { type?: string; hint?: string } = {}) => (
    <TextField name={k} label={label} required={REQUIRED.has(k)} value={values[k]} onChange={set(k)} error={errors[k]} {...extra} />
  );
  return (
    <section aria-labelledby="user-title">
      <h1 id="user-title">{title}</h1>
      <form className="form" onSubmit={submit} noValidate>
        <p className="hint">
          Fields marked <span aria-hidden="true">*</span>
          <span className="visually-hidden">with an asterisk</span> are mandatory.
        </p>
        {other.length > 0 ? (
          <div className="alert" role="alert" data-testid="form-error">
            {other.map((m) => (
              <p key={m}>{m}</p>
            ))}
          </div>
        ) : null}
        {props.editing ? null : (
          <SelectField name="dataSource" label="Data source" required value={values.dataSource} onChange={set('dataSource')} error={errors.dataSource} options={props.sources.map((s) => ({ value: s.id, label: s.name }))} />
        )}
        {props.editing ? null : f('login', 'Login')}
        {f('title', 'Title / salutation')}
        <div className="row">
          {f('firstName', 'First name')}
          {f('lastName', 'Last name')}
        </div>
        {f('email', 'E-mail', { type: 'email' })}
        {f('customerId', 'Customer ID')}
        {f('additionalCustomerIds', 'Further customer IDs', { hint: 'Comma-separated' })}
        <div className="row">
          {f('phone', 'Phone', { type: 'tel' })}
          {f('mobile', 'Mobile', { type: 'tel' })}
        </div>
        {f('street', 'Street')}
        <div className="row">
          {f('zip', 'ZIP')}
          {f('city', 'City')}
        </div>
        <SelectField name="country" label="Country" value={values.country} onChange={set('country')} error={errors.country} placeholder="—" options={props.countries.map((c) => ({ value: c.code, label: c.name }))} />
        <SelectField name="valid" label="Validity" required value={values.valid} onChange={set('valid')} error={errors.valid} options={VALIDITY_OPTIONS} />
        <div className="actions">
          <button type="submit" className="primary">
            {props.editing ? 'Save' : 'Create customer user'}
          </button>
          <button type="button" onClick={() => history.back()}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

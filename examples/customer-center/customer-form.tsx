/**
 * The customer form of Create and Edit: mandatory fields marked, the country from the service's
 * list, validity; errors of the API shown on their fields (`extensions.field`).
 */
import { useState, type FormEvent } from 'react';
import { SelectField, TextArea, TextField, useFocusFirstInvalid, VALIDITY_OPTIONS } from './ui';

/** The form's values (all strings, as inputs hold them). */
export interface CustomerValues {
  customerId: string;
  name: string;
  street: string;
  zip: string;
  city: string;
  country: string;
  url: string;
  comment: string;
  valid: string;
}

/** Input fields the API may name in `extensions.field`. */
export const CUSTOMER_FIELDS = ['customerId', 'name', 'street', 'zip', 'city', 'country', 'url', 'comment', 'valid'] as const;

/** Empty values of a new customer. */
export const EMPTY_CUSTOMER: CustomerValues = { customerId: '', name: '', street: '', zip: '', city: '', country: '', url: '', comment: '', valid: 'VALID' };

/** The form; `onSubmit` resolves with the API's field errors and other messages (none on success). */
export function CustomerForm(props: {
  initial: CustomerValues;
  countries: readonly { code: string; name: string }[];
  submitLabel: string;
  idHint?: string;
  onSubmit: (values: CustomerValues) => Promise<{ byField: Record<string, string>; other: string[] } | null>;
  onCancel: () => void;
}) {
  const [values, setValues] = useState(props.initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [other, setOther] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  useFocusFirstInvalid(errors);
  const set = (k: keyof CustomerValues) => (v: string) => setValues((old) => ({ ...old, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const result = await props.onSubmit(values);
      setErrors(result?.byField ?? {});
      setOther(result?.other ?? []);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-busy={busy}>
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
      <TextField name="customerId" label="Customer ID" required value={values.customerId} onChange={set('customerId')} error={errors.customerId} hint={props.idHint} />
      <TextField name="name" label="Name" required value={values.name} onChange={set('name')} error={errors.name} />
      <TextField name="street" label="Street" value={values.street} onChange={set('street')} error={errors.street} autoComplete="street-address" />
      <div className="row">
        <TextField name="zip" label="ZIP" value={values.zip} onChange={set('zip')} error={errors.zip} autoComplete="postal-code" />
        <TextField name="city" label="City" value={values.city} onChange={set('city')} error={errors.city} autoComplete="address-level2" />
      </div>
      <SelectField
        name="country"
        label="Country"
        required
        value={values.country}
        onChange={set('country')}
        error={errors.country}
        placeholder="Choose a country"
        options={props.countries.map((c) => ({ value: c.code, label: c.name }))}
      />
      <TextField name="url" label="URL" type="url" value={values.url} onChange={set('url')} error={errors.url} hint="An absolute http or https address" />
      <TextArea name="comment" label="Comment" value={values.comment} onChange={set('comment')} error={errors.comment} />
      <SelectField name="valid" label="Validity" required value={values.valid} onChange={set('valid')} error={errors.valid} options={VALIDITY_OPTIONS} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {props.submitLabel}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

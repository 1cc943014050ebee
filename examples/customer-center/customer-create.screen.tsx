/**
 * Create customer: first the data source (only writable sources that hold customers can be
 * chosen; the others are shown disabled with the reason), then the form. On success the new
 * customer's detail view opens.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { CUSTOMER_FIELDS, CustomerForm, EMPTY_CUSTOMER, type CustomerValues } from './customer-form';
import { splitFieldErrors } from './errors';
import { AppCreateCustomerDocument, AppCreateCustomerFormDocument, type AppCreateCustomerFormQuery } from './generated/graphql';
import { navigate } from './router';
import { Failure, Loading } from './ui';

type Source = AppCreateCustomerFormQuery['dataSources'][number];

/** Why a source cannot take a new customer, or null when it can. */
export function whyNotWritable(s: Source): string | null {
  if (!s.objects.includes('CUSTOMER')) return 'holds no customers';
  if (s.readOnly) return 'read-only: customers are maintained in the directory itself';
  return null;
}

/** Optional inputs: an empty string is left out. */
function optional(v: string): string | null {
  return v.trim() === '' ? null : v;
}

export function CustomerCreateScreen() {
  const { data, loading, error, refetch } = useQuery(AppCreateCustomerFormDocument, { errorPolicy: 'all' });
  const [create] = useMutation(AppCreateCustomerDocument);
  const [source, setSource] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);

  if (!data) return loading ? <Loading what="data sources" /> : <Failure error={error} onRetry={() => void refetch()} />;
  const writable = data.dataSources.filter((s) => whyNotWritable(s) === null);
  const current = source ?? writable[0]?.id ?? null;

  const submit = async (v: CustomerValues) => {
    try {
      const res = await create({
        variables: {
          input: {
            dataSource: chosen!,
            customerId: v.customerId,
            name: v.name,
            street: optional(v.street),
            zip: optional(v.zip),
            city: optional(v.city),
            country: v.country,
            url: optional(v.url),
            comment: optional(v.comment),
            valid: v.valid as 'VALID',
          },
        },
      });
      const id = res.data?.createCustomer.customerId;
      if (id) navigate(['customers', id]);
      return null;
    } catch (e) {
      return splitFieldErrors(e, CUSTOMER_FIELDS);
    }
  };

  return (
    <section aria-labelledby="create-title">
      <h1 id="create-title">Add customer</h1>
      {chosen === null ? (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            if (current) setChosen(current);
          }}
        >
          <fieldset>
            <legend>Data source</legend>
            <p className="hint">Choose where the new customer is stored.</p>
            {data.dataSources.map((s) => {
              const reason = whyNotWritable(s);
              return (
                <div key={s.id} className={reason ? 'choice disabled' : 'choice'}>
                  <input
                    type="radio"
                    id={`source-${s.id}`}
                    name="dataSource"
                    value={s.id}
                    disabled={reason !== null}
                    checked={current === s.id}
                    onChange={() => setSource(s.id)}
                    aria-describedby={reason ? `source-${s.id}-reason` : undefined}
                  />
                  <label htmlFor={`source-${s.id}`}>
                    {s.name} <span className="muted">({s.kind})</span>
                  </label>
                  {reason ? (
                    <span className="reason" id={`source-${s.id}-reason`}>
                      {reason}
                    </span>
                  ) : null}
                </div>
              );
            })}
          </fieldset>
          <div className="actions">
            <button type="submit" className="primary" disabled={current === null}>
              Continue
            </button>
            <button type="button" onClick={() => navigate(['customers'])}>
              Cancel
            </button>
          </div>
          {writable.length === 0 ? <p className="alert">No data source accepts new customers.</p> : null}
        </form>
      ) : (
        <>
          <p>
            Data source: <strong data-testid="chosen-source">{data.dataSources.find((s) => s.id === chosen)?.name}</strong>{' '}
            <button type="button" className="link" onClick={() => setChosen(null)}>
              change
            </button>
          </p>
          <CustomerForm initial={EMPTY_CUSTOMER} countries={data.countries} submitLabel="Create customer" onSubmit={submit} onCancel={() => navigate(['customers'])} />
        </>
      )}
    </section>
  );
}

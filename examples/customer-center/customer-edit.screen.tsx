/**
 * Edit customer, including renaming the customer id: the API moves customer users and tickets
 * along in one transaction, and the global id stays, so the cache entry (and every screen
 * showing it) follows the new id.
 */
import { useMutation, useQuery } from '@apollo/client/react';
import { CUSTOMER_FIELDS, CustomerForm, type CustomerValues } from './customer-form';
import { splitFieldErrors } from './errors';
import { AppCustomerEditDocument, AppUpdateCustomerDocument, type UpdateCustomerInput } from './generated/graphql';
import { navigate } from './router';
import { Failure, Loading } from './ui';

export function CustomerEditScreen({ customerId }: { customerId: string }) {
  const { data, loading, error, refetch } = useQuery(AppCustomerEditDocument, { errorPolicy: 'all', variables: { customerId }, fetchPolicy: 'cache-and-network' });
  const [update] = useMutation(AppUpdateCustomerDocument);
  const c = data?.customer;
  if (!data || !c) {
    if (loading) return <Loading what="the customer" />;
    if (data && !c) return <p role="alert">No customer “{customerId}”.</p>;
    return <Failure error={error} onRetry={() => void refetch()} />;
  }
  const initial: CustomerValues = {
    customerId: c.customerId,
    name: c.name,
    street: c.street ?? '',
    zip: c.zip ?? '',
    city: c.city ?? '',
    country: c.country?.code ?? '',
    url: c.url ?? '',
    comment: c.comment ?? '',
    valid: c.valid,
  };

  const submit = async (v: CustomerValues) => {
    // Only changed fields are sent; an emptied optional field is cleared with null.
    const input: UpdateCustomerInput = {};
    for (const k of CUSTOMER_FIELDS) {
      if (v[k] === initial[k]) continue;
      (input as Record<string, string | null>)[k] = v[k].trim() === '' && !['customerId', 'name', 'country', 'valid'].includes(k) ? null : v[k];
    }
    try {
      const res = await update({ variables: { customerId: c.customerId, input } });
      navigate(['customers', res.data?.updateCustomer.customerId ?? c.customerId]);
      return null;
    } catch (e) {
      return splitFieldErrors(e, CUSTOMER_FIELDS);
    }
  };

  return (
    <section aria-labelledby="edit-title">
      <h1 id="edit-title">Edit customer {c.customerId}</h1>
      {!c.viewerCanUpdate ? (
        <p className="notice" role="status">
          {c.readOnly ? `This customer comes from ${c.dataSource.name}, a read-only data source.` : 'Your token may not change customers.'}
        </p>
      ) : (
        <CustomerForm
          key={c.id}
          initial={initial}
          countries={data.countries}
          submitLabel="Save"
          idHint="Renaming the customer ID moves its customer users and tickets along."
          onSubmit={submit}
          onCancel={() => navigate(['customers', c.customerId])}
        />
      )}
    </section>
  );
}

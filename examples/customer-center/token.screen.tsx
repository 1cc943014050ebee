/**
 * The token form: the bearer token is kept in memory only (never localStorage or any other
 * storage), so it is asked again after a reload unless the service embeds the development token.
 */
import { useState, type FormEvent } from 'react';

export function TokenForm({ hasToken, onToken }: { hasToken: boolean; onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const t = value.trim().replace(/^Bearer\s+/i, '');
    if (t) {
      onToken(t);
      setValue('');
    }
  };
  return (
    <section aria-labelledby="token-title" className="token">
      <h1 id="token-title">Access token</h1>
      <p>{hasToken ? 'A token is in use. Enter another one to replace it.' : 'The service needs a bearer token (reader or agent role). It is kept in this tab\u2019s memory only.'}</p>
      <form className="form" onSubmit={submit} id="token-form">
        <div className="field">
          <label htmlFor="token-input">Bearer token</label>
          <input id="token-input" name="token" type="password" autoComplete="off" spellCheck={false} value={value} onChange={(e) => setValue(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={!value.trim()}>
            Use token
          </button>
        </div>
      </form>
    </section>
  );
}

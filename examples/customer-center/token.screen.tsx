/**
 * The sign-in screen: "Sign in with <issuer>" when the service configures the app's OpenID Connect
 * client, and the token form for development (a pasted bearer token). Either token is kept in
 * memory only (never localStorage or any other storage), so it is asked again after a reload
 * unless the service embeds the development token.
 */
import { useState, type FormEvent } from 'react';

/** The sign-in through the issuer, as the screen offers it. */
export interface SignInOffer {
  /** The issuer's host, named on the button. */
  readonly host: string;
  /** Leaves for the provider's sign-in page. */
  readonly onSignIn: () => void;
}

export function TokenForm({ hasToken, onToken, signIn = null, notice = null }: { hasToken: boolean; onToken: (token: string) => void; signIn?: SignInOffer | null; notice?: string | null }) {
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
      <h1 id="token-title">{signIn ? 'Sign in' : 'Access token'}</h1>
      {notice ? (
        <div className="alert" role="alert" data-testid="sign-in-notice">
          <p>{notice}</p>
        </div>
      ) : null}
      {signIn ? (
        <div className="sign-in">
          <p>Sign in with your account at {signIn.host}. The app then calls the service with your access token, kept in this tab’s memory only.</p>
          <button type="button" className="primary" id="sign-in" onClick={signIn.onSignIn}>
            Sign in with {signIn.host}
          </button>
        </div>
      ) : null}
      {signIn ? <h2 id="token-form-title">Development: paste a token</h2> : null}
      <p>{hasToken ? 'A token is in use. Enter another one to replace it.' : 'The service needs a bearer token (reader or agent role). It is kept in this tab\u2019s memory only.'}</p>
      <form className="form" onSubmit={submit} id="token-form" aria-labelledby={signIn ? 'token-form-title' : undefined}>
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

// Sign-in with an API key, shown only where memOS requires one. The key is checked with
// GET /api/v1/whoami before it is kept (for this tab only).
import { useState } from 'preact/hooks';
import { clientFor, whoAmI, type Caller } from '../session.js';
import { ErrorNote } from '../ui/parts.js';
import { Logo } from '../ui/logo.js';

export function SignIn(props: { onSignedIn(key: string, caller: Caller): void; expired?: boolean }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [refused, setRefused] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <main class="sign-in">
      <form
        class="card"
        aria-labelledby="sign-in-title"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          setRefused(false);
          try {
            const caller = await whoAmI(clientFor(key.trim()));
            if (caller === undefined) setRefused(true);
            else props.onSignedIn(key.trim(), caller);
          } catch (failure) {
            setError(failure);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Logo />
        <h1 id="sign-in-title">Sign in to memOS</h1>
        <p class="muted">
          This memOS requires an API key. The key stays in this tab only: it is forgotten when the tab closes. The UI shows what the key’s role and namespaces allow.
        </p>
        {props.expired === true && <p class="warn">The key was refused: it may have been revoked or have expired. Sign in again.</p>}
        <label class="field">
          <span>API key</span>
          <input type="password" name="apiKey" value={key} onInput={(event) => setKey(event.currentTarget.value)} placeholder="memos_…" autoComplete="off" required />
        </label>
        {refused && (
          <p class="error" role="alert">
            memOS refused this key: it is malformed, unknown, revoked or expired.
          </p>
        )}
        {error !== undefined && <ErrorNote error={error} />}
        <button type="submit" class="primary" disabled={busy || key.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}

// The shell: sign-in where memOS requires a key, then the top bar (views, namespace, who is signed
// in) and the view the path names. Every call goes through @memos/client with the tab's key.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { SessionContext, useSession, type AppSession } from './app-context.js';
import { describeError } from './data.js';
import { Link, match, NamespaceContext, navigate, path, useRoute, withQuery } from './router.js';
import { clientFor, may, storedKey, storeKey, whoAmI, type Caller } from './session.js';
import { SignIn } from './pages/sign-in.js';
import { Logo } from './ui/logo.js';
import { NamespacesPage } from './pages/browse/namespaces.js';
import { NamespacePage } from './pages/browse/namespace.js';
import { UserPage } from './pages/browse/user.js';
import { SessionPage } from './pages/browse/session.js';
import { EpisodesPage } from './pages/browse/episodes.js';
import { EpisodePage } from './pages/browse/episode.js';
import { MemoriesPage } from './pages/browse/memories.js';
import { MemoryPage } from './pages/browse/memory.js';
import { ConflictsPage } from './pages/curate/conflicts.js';
import { ErasureReceiptPage } from './pages/curate/erasure-receipt.js';
import { RecallPage } from './pages/recall.js';
import { OperationsPage } from './pages/operations.js';

type State = { phase: 'checking' } | { phase: 'signed-out'; expired: boolean } | { phase: 'signed-in'; key: string | undefined; caller: Caller } | { phase: 'failed'; error: unknown };

export function App() {
  const [state, setState] = useState<State>({ phase: 'checking' });
  useEffect(() => {
    const key = storedKey();
    whoAmI(clientFor(key)).then(
      (caller) => setState(caller === undefined ? { phase: 'signed-out', expired: key !== undefined } : { phase: 'signed-in', key, caller }),
      (error: unknown) => setState({ phase: 'failed', error }),
    );
  }, []);
  if (state.phase === 'checking') return <p class="muted center">Connecting to memOS…</p>;
  if (state.phase === 'failed') return <p class="error center" role="alert">memOS did not answer: {describeError(state.error)}</p>;
  if (state.phase === 'signed-out')
    return (
      <SignIn
        expired={state.expired}
        onSignedIn={(key, caller) => {
          storeKey(key);
          setState({ phase: 'signed-in', key, caller });
        }}
      />
    );
  return (
    <SignedIn
      apiKey={state.key}
      caller={state.caller}
      onSignOut={(expired) => {
        storeKey(undefined);
        setState({ phase: 'signed-out', expired });
      }}
    />
  );
}

function SignedIn(props: { apiKey: string | undefined; caller: Caller; onSignOut(expired: boolean): void }) {
  const session = useMemo<AppSession>(() => {
    const client = clientFor(props.apiKey);
    return { client, caller: props.caller, signOut: () => props.onSignOut(false) };
  }, [props.apiKey, props.caller]);
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

/** The namespace a view opens in when the path names none: the key's only one, else `default`. */
export function homeNamespace(caller: Caller): string {
  const reach = caller.namespaces.filter((name) => name !== '*');
  return caller.namespaces.includes('*') || reach.length === 0 ? 'default' : reach[0]!;
}

interface View {
  pattern: string;
  render(params: Record<string, string>): ComponentChildren;
}

const VIEWS: View[] = [
  { pattern: '/n', render: () => <NamespacesPage /> },
  { pattern: '/n/:ns', render: (p) => <NamespacePage namespace={p.ns!} /> },
  { pattern: '/n/:ns/u/:userId', render: (p) => <UserPage namespace={p.ns!} userId={p.userId!} /> },
  { pattern: '/n/:ns/sessions/:id', render: (p) => <SessionPage namespace={p.ns!} sessionId={p.id!} /> },
  { pattern: '/n/:ns/episodes', render: (p) => <EpisodesPage namespace={p.ns!} /> },
  { pattern: '/n/:ns/episodes/:id', render: (p) => <EpisodePage namespace={p.ns!} id={p.id!} /> },
  { pattern: '/n/:ns/memories', render: (p) => <MemoriesPage namespace={p.ns!} /> },
  { pattern: '/n/:ns/memories/:id', render: (p) => <MemoryPage namespace={p.ns!} id={p.id!} /> },
  { pattern: '/n/:ns/conflicts', render: (p) => <ConflictsPage namespace={p.ns!} /> },
  { pattern: '/n/:ns/recall', render: (p) => <RecallPage namespace={p.ns!} /> },
  { pattern: '/n/:ns/erasures/:receiptId', render: (p) => <ErasureReceiptPage namespace={p.ns!} receiptId={p.receiptId!} /> },
  { pattern: '/operations', render: () => <OperationsPage /> },
];

function Shell() {
  const { caller, signOut } = useSession();
  const route = useRoute();
  const found = VIEWS.map((view) => ({ view, params: match(view.pattern, route.path) })).find((candidate) => candidate.params !== undefined);
  // A view without a namespace in its path (operations) takes it from `?namespace=`.
  const namespace = found?.params?.ns ?? (route.query.get('namespace') || homeNamespace(caller));
  useEffect(() => {
    if (route.path === '/' || route.path === '') navigate(path('n', homeNamespace(caller)), true);
  }, [route.path, caller]);
  const section = route.path.startsWith('/operations') ? 'operations' : route.path.endsWith('/recall') ? 'recall' : 'browse';
  return (
    <NamespaceContext.Provider value={namespace}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link href={path('n', namespace)} class="brand" title="memOS home">
          <Logo />
        </Link>
        <nav aria-label="Views">
          <Link href={path('n', namespace)} aria-current={section === 'browse' ? 'page' : undefined}>
            Browse
          </Link>
          <Link href={`${path('n', namespace)}/recall`} aria-current={section === 'recall' ? 'page' : undefined}>
            Recall
          </Link>
          <Link href="/operations" aria-current={section === 'operations' ? 'page' : undefined}>
            Operations
          </Link>
        </nav>
        <NamespacePicker namespace={namespace} />
        <div class="who">
          <span class={`badge role-${caller.role}`} title={`This key may ${may(caller, 'write') ? 'read and change' : 'only read'} records`}>
            {caller.role}
          </span>
          <span class="muted" title={`key ${caller.keyId}`}>
            {caller.keysRequired ? (caller.name ?? caller.keyId) : 'local, no key'}
            {caller.userId !== undefined && ` · user ${caller.userId}`}
          </span>
          {caller.keysRequired && (
            <button type="button" class="link" onClick={signOut}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" class="content">
        {found === undefined ? <p class="error">Nothing lives at {route.path}. <Link href={path('n', namespace)}>Go to the namespace</Link>.</p> : found.view.render(found.params!)}
      </main>
    </NamespaceContext.Provider>
  );
}

/** Switches the namespace of the current view: the key's namespaces, or any name where it reaches every one. */
function NamespacePicker(props: { namespace: string }) {
  const { caller } = useSession();
  const route = useRoute();
  const go = (next: string) => {
    if (next === '' || next === props.namespace) return;
    if (route.path === '/operations') return navigate(withQuery('/operations', { namespace: next }));
    const rest = route.path.match(/^\/n\/[^/]+\/(recall|memories|episodes|conflicts)$/);
    navigate(rest === null ? path('n', next) : `${path('n', next)}/${rest[1]}`);
  };
  if (!caller.namespaces.includes('*'))
    return (
      <label class="picker">
        <span>Namespace</span>
        <select value={props.namespace} onChange={(event) => go(event.currentTarget.value)}>
          {caller.namespaces.map((name) => (
            <option value={name} key={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
    );
  return (
    <form
      class="picker"
      onSubmit={(event) => {
        event.preventDefault();
        go(String(new FormData(event.currentTarget).get('namespace') ?? '').trim());
      }}
    >
      <label>
        <span>Namespace</span>
        <input name="namespace" key={props.namespace} defaultValue={props.namespace} size={12} spellcheck={false} />
      </label>
    </form>
  );
}

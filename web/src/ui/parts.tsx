// Small pieces every view uses: loading and error states, times, badges, paging, a confirmation
// that makes the operator type what they confirm.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { describeError, type Loaded } from '../data.js';

/** The view's content once loaded; a quiet line while loading, the error in words if it failed. */
export function Show<T>(props: { loaded: Loaded<T>; children: (data: T) => ComponentChildren; what?: string }) {
  const { loaded } = props;
  if (loaded.error !== undefined) return <ErrorNote error={loaded.error} retry={loaded.reload} />;
  if (loaded.data === undefined) return <p class="muted" aria-busy="true">Loading {props.what ?? ''}…</p>;
  return <>{props.children(loaded.data)}</>;
}

export function ErrorNote(props: { error: unknown; retry?: () => void }) {
  return (
    <div class="error" role="alert">
      <span>{describeError(props.error)}</span>
      {props.retry !== undefined && (
        <button type="button" class="link" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** A time as the reader's local date and time, with the exact UTC instant on hover. */
export function Time(props: { at: string | undefined; relative?: boolean }) {
  if (props.at === undefined) return <span class="muted">—</span>;
  const date = new Date(props.at);
  return (
    <time dateTime={props.at} title={props.at}>
      {props.relative === true ? relativeTime(date) : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}

/** "3 min ago", "in 2 h". */
export function relativeTime(date: Date, now = Date.now()): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
  for (const [unit, size] of units) if (Math.abs(seconds) >= size || unit === 'second') return format.format(Math.round(seconds / size), unit);
  return '';
}

export function Badge(props: { tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'accent'; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge ${props.tone ?? 'neutral'}`} title={props.title}>
      {props.children}
    </span>
  );
}

/** Cursor paging as memOS lists page: the next page by its cursor, and back to the first. */
export function Pager(props: { cursor: string | undefined; nextCursor: string | undefined; onPage(cursor: string | undefined): void }) {
  if (props.cursor === undefined && props.nextCursor === undefined) return null;
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={props.cursor === undefined} onClick={() => props.onPage(undefined)}>
        First page
      </button>
      <button type="button" disabled={props.nextCursor === undefined} onClick={() => props.onPage(props.nextCursor)}>
        Next page
      </button>
    </nav>
  );
}

/**
 * A button that asks before it acts, in a dialog; with `typeToConfirm`, the action stays disabled
 * until the operator types that exact text (a user's id before erasing them).
 */
export function ConfirmButton(props: {
  label: string;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  typeToConfirm?: string;
  danger?: boolean;
  onConfirm(): Promise<void> | void;
}) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const ready = props.typeToConfirm === undefined || typed === props.typeToConfirm;
  const close = () => {
    setOpen(false);
    setTyped('');
    setError(undefined);
  };
  return (
    <>
      <button type="button" class={props.danger === true ? 'danger' : ''} onClick={() => setOpen(true)}>
        {props.label}
      </button>
      {open && (
        <div class="dialog-backdrop">
          <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="confirm-title">
            <h2 id="confirm-title">{props.title}</h2>
            <div>{props.children}</div>
            {props.typeToConfirm !== undefined && (
              <label class="field">
                <span>
                  Type <code>{props.typeToConfirm}</code> to confirm
                </span>
                <input value={typed} onInput={(event) => setTyped(event.currentTarget.value)} autoComplete="off" spellcheck={false} />
              </label>
            )}
            {error !== undefined && <ErrorNote error={error} />}
            <div class="actions">
              <button type="button" onClick={close}>
                Cancel
              </button>
              <button
                type="button"
                class={props.danger === true ? 'danger primary' : 'primary'}
                disabled={!ready || busy}
                onClick={async () => {
                  setBusy(true);
                  setError(undefined);
                  try {
                    await props.onConfirm();
                    close();
                  } catch (failure) {
                    setError(failure);
                  } finally {
                    setBusy(false);
                  }
                }}
              >
                {props.confirmLabel}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}

/** A labelled form field. */
export function Field(props: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span>{props.label}</span>
      {props.children}
      {props.hint !== undefined && <small class="muted">{props.hint}</small>}
    </label>
  );
}

/** A one-field form that opens a record by its id (a user, a session): `onOpen` gets the id, trimmed, never empty. */
export function OpenById(props: { label: string; button: string; name: string; formLabel: string; primary?: boolean; class?: string; onOpen(id: string): void }) {
  return (
    <form
      class={`filters ${props.class ?? ''}`}
      aria-label={props.formLabel}
      onSubmit={(event) => {
        event.preventDefault();
        const id = String(new FormData(event.currentTarget).get(props.name) ?? '').trim();
        if (id !== '') props.onOpen(id);
      }}
    >
      <Field label={props.label}>
        <input name={props.name} size={24} spellcheck={false} autoComplete="off" />
      </Field>
      <button type="submit" class={props.primary === true ? 'primary' : ''}>
        {props.button}
      </button>
    </form>
  );
}

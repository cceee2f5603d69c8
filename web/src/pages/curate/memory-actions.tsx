// Curating one memory, for keys that may write: edit it (the version before goes to its history),
// supersede it with the fact that holds now, retract it (no longer true, no replacement), confirm it
// (still true), or delete it for good. What does not apply to the memory as it stands is disabled,
// with the reason beside it. A read key sees none of this.
import type { Memory } from '@memos/client';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { useSession } from '../../app-context.js';
import { navigate, path } from '../../router.js';
import { may } from '../../session.js';
import { ConfirmButton, ErrorNote, Field } from '../../ui/parts.js';
import './curate.css';

const KINDS = ['fact', 'preference', 'reflection', 'summary', 'procedure'] as const;
type Kind = (typeof KINDS)[number];
type Panel = 'edit' | 'supersede' | 'retract' | undefined;

export function MemoryActions(props: { namespace: string; memory: Memory; onChanged(): void }) {
  const { client, caller } = useSession();
  const [panel, setPanel] = useState<Panel>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  if (!may(caller, 'write')) return null;
  const { memory } = props;
  const call = { namespace: props.namespace };
  const current = memory.validTo === undefined;
  const notCurrent = memory.retractedAt !== undefined ? 'it is retracted' : 'it was superseded';

  /** Runs a change; on success closes the panel and has the page load the memory again. */
  const act = async (change: () => Promise<unknown>, after: () => void = props.onChanged) => {
    setBusy(true);
    setError(undefined);
    try {
      await change();
      setPanel(undefined);
      after();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const toggle = (next: Panel) => {
    setError(undefined);
    setPanel(panel === next ? undefined : next);
  };

  return (
    <section class="memory-actions" aria-labelledby="memory-actions-title">
      <h2 id="memory-actions-title">Curate</h2>
      <div class="actions">
        <button type="button" aria-expanded={panel === 'edit'} onClick={() => toggle('edit')}>
          Edit
        </button>
        <button type="button" aria-expanded={panel === 'supersede'} disabled={!current} aria-describedby={current ? undefined : 'memory-actions-why'} onClick={() => toggle('supersede')}>
          Supersede
        </button>
        <button type="button" aria-expanded={panel === 'retract'} disabled={!current} aria-describedby={current ? undefined : 'memory-actions-why'} onClick={() => toggle('retract')}>
          Retract
        </button>
        <button type="button" disabled={!current || busy} aria-describedby={current ? undefined : 'memory-actions-why'} onClick={() => act(() => client.memories.confirm(memory.id, call))}>
          Confirm
        </button>
        <ConfirmButton
          label="Delete"
          title="Delete this memory?"
          confirmLabel="Delete for good"
          danger
          onConfirm={async () => {
            await client.memories.delete(memory.id, call);
            navigate(`${path('n', props.namespace)}/memories`);
          }}
        >
          <p>
            “{memory.content}” goes for good, with its history and its vector. To say it no longer holds while keeping the record, retract it instead.
          </p>
        </ConfirmButton>
      </div>
      {!current && (
        <p class="muted memory-actions-why" id="memory-actions-why">
          Supersede, retract and confirm apply to current facts only: {notCurrent}.
        </p>
      )}
      {error !== undefined && <ErrorNote error={error} />}
      {panel === 'edit' && (
        <EditPanel
          memory={memory}
          busy={busy}
          onCancel={() => setPanel(undefined)}
          onSave={(patch) => act(() => client.memories.update(memory.id, { ...patch, expectedVersion: memory.version }, call))}
        />
      )}
      {panel === 'supersede' && (
        <SupersedePanel
          memory={memory}
          busy={busy}
          onCancel={() => setPanel(undefined)}
          onSave={(draft) => {
            let written = '';
            return act(
              async () => {
                const result = await client.memories.write(
                  {
                    ...(memory.userId === undefined ? {} : { userId: memory.userId }),
                    ...(memory.agentId === undefined ? {} : { agentId: memory.agentId }),
                    memories: [{ ...draft, ...(memory.key === undefined ? {} : { key: memory.key }), supersedes: [memory.id] }],
                  },
                  call,
                );
                written = result.ids[0] ?? '';
              },
              () => (written === '' ? props.onChanged() : navigate(path('n', props.namespace, 'memories', written))),
            );
          }}
        />
      )}
      {panel === 'retract' && <RetractPanel busy={busy} onCancel={() => setPanel(undefined)} onSave={(reason) => act(() => client.memories.retract(memory.id, reason === '' ? {} : { reason }, call))} />}
    </section>
  );
}

function EditPanel(props: { memory: Memory; busy: boolean; onCancel(): void; onSave(patch: { content?: string; kind?: Kind; importance?: number }): void }) {
  const [content, setContent] = useState(props.memory.content);
  const [kind, setKind] = useState<Kind>(props.memory.kind);
  const [importance, setImportance] = useState(String(props.memory.importance));
  const changed = {
    ...(content.trim() !== props.memory.content && content.trim() !== '' ? { content: content.trim() } : {}),
    ...(kind !== props.memory.kind ? { kind } : {}),
    ...(Number(importance) !== props.memory.importance ? { importance: Number(importance) } : {}),
  };
  return (
    <PanelForm label="Edit the memory" submit="Save changes" disabled={props.busy || Object.keys(changed).length === 0} onSubmit={() => props.onSave(changed)} onCancel={props.onCancel}>
      <p class="muted">The version before goes to the history; new content also counts as confirming the fact.</p>
      <Field label="Content">
        <textarea value={content} onInput={(event) => setContent(event.currentTarget.value)} required />
      </Field>
      <div class="curate-row">
        <KindField value={kind} onChange={setKind} />
        <Field label="Importance (0 to 1)">
          <input type="number" min={0} max={1} step={0.05} value={importance} onInput={(event) => setImportance(event.currentTarget.value)} />
        </Field>
      </div>
    </PanelForm>
  );
}

function SupersedePanel(props: { memory: Memory; busy: boolean; onCancel(): void; onSave(draft: { content: string; kind: Kind; importance: number }): void }) {
  const [content, setContent] = useState('');
  const [kind, setKind] = useState<Kind>(props.memory.kind);
  return (
    <PanelForm
      label="Supersede the memory"
      submit="Write and supersede"
      disabled={props.busy || content.trim() === ''}
      onSubmit={() => props.onSave({ content: content.trim(), kind, importance: props.memory.importance })}
      onCancel={props.onCancel}
    >
      <p class="muted">
        Write the fact that holds now: it replaces this one{props.memory.key !== undefined && <> and takes its key <code>{props.memory.key}</code></>}, which stays readable with its validity closed.
      </p>
      <Field label="The fact that holds now">
        <textarea value={content} onInput={(event) => setContent(event.currentTarget.value)} required />
      </Field>
      <KindField value={kind} onChange={setKind} />
    </PanelForm>
  );
}

function RetractPanel(props: { busy: boolean; onCancel(): void; onSave(reason: string): void }) {
  const [reason, setReason] = useState('');
  return (
    <PanelForm label="Retract the memory" submit="Retract now" danger disabled={props.busy} onSubmit={() => props.onSave(reason.trim())} onCancel={props.onCancel}>
      <p class="muted">The fact is no longer (or never was) true, with nothing to replace it: it leaves recall and stays readable here.</p>
      <Field label="Reason (optional)">
        <input value={reason} maxLength={500} onInput={(event) => setReason(event.currentTarget.value)} />
      </Field>
    </PanelForm>
  );
}

/** The form of one curation panel: its fields, then the action and Cancel. */
function PanelForm(props: { label: string; submit: string; danger?: boolean; disabled: boolean; onSubmit(): void; onCancel(): void; children: ComponentChildren }) {
  return (
    <form
      class="card curate-panel"
      aria-label={props.label}
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      {props.children}
      <div class="actions">
        <button type="submit" class={props.danger === true ? 'danger' : 'primary'} disabled={props.disabled}>
          {props.submit}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function KindField(props: { value: Kind; onChange(kind: Kind): void }) {
  return (
    <Field label="Kind">
      <select value={props.value} onChange={(event) => props.onChange(event.currentTarget.value as Kind)}>
        {KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {kind}
          </option>
        ))}
      </select>
    </Field>
  );
}

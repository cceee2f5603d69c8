// A memory's version history as a diff: each version against the one that replaced it, newest
// change first: the content word by word, and the other fields that changed.
import type { Memory, MemoryHistory } from '@memos/client';
import { WordDiff } from '../../ui/diff.js';
import { Badge, Time } from '../../ui/parts.js';

/** One state of the memory: an earlier version, or the memory as it is now. */
interface State {
  version: number;
  content: string;
  kind: string;
  importance: number;
  metadata: unknown;
  expiresAt?: string | undefined;
  sourceEpisodeIds: string[];
  validFrom: string;
  /** What replaced this state (earlier versions only). */
  reason?: 'update' | 'merge';
  replacedAt?: string;
}

function states(memory: Memory, history: MemoryHistory): State[] {
  const earlier = [...history.versions].sort((a, b) => a.version - b.version);
  const now: State = { ...memory, validFrom: earlier.length === 0 ? memory.createdAt : earlier[earlier.length - 1]!.validTo };
  return [...earlier.map((version) => ({ ...version, replacedAt: version.validTo })), now];
}

const json = (value: unknown) => JSON.stringify(value ?? null);

/** The fields other than content that differ between two states, as "name: before → after". */
function changedFields(before: State, after: State): { name: string; before: string; after: string }[] {
  const fields: { name: string; before: string; after: string }[] = [];
  const check = (name: string, a: string, b: string) => a !== b && fields.push({ name, before: a, after: b });
  check('kind', before.kind, after.kind);
  check('importance', before.importance.toFixed(2), after.importance.toFixed(2));
  check('expires', before.expiresAt ?? 'never', after.expiresAt ?? 'never');
  check('metadata', json(before.metadata), json(after.metadata));
  check('source episodes', before.sourceEpisodeIds.join(', ') || 'none', after.sourceEpisodeIds.join(', ') || 'none');
  return fields;
}

export function MemoryHistoryView(props: { memory: Memory; history: MemoryHistory }) {
  const all = states(props.memory, props.history);
  if (all.length === 1)
    return (
      <p class="muted" data-testid="history-empty">
        Version {props.memory.version}, unchanged since it was written.
      </p>
    );
  const changes = all.slice(1).map((after, index) => ({ before: all[index]!, after }));
  return (
    <ol class="memory-history" reversed>
      {changes.reverse().map(({ before, after }) => {
        const fields = changedFields(before, after);
        return (
          <li key={after.version} class="card memory-change" data-version={after.version}>
            <p class="memory-change-head">
              <strong>
                version {before.version} → {after.version}
              </strong>
              <Badge tone={before.reason === 'merge' ? 'accent' : 'neutral'} title={before.reason === 'merge' ? 'A write that stated the same thing merged into it' : 'Changed by an update (PATCH)'}>
                {before.reason ?? 'update'}
              </Badge>
              <span class="muted">
                <Time at={before.replacedAt} />
              </span>
            </p>
            {before.content === after.content ? <p class="muted">Content unchanged.</p> : <WordDiff before={before.content} after={after.content} />}
            {fields.length > 0 && (
              <table class="memory-fields-changed">
                <caption class="memory-sr-only">Fields changed in version {after.version}</caption>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                  </tr>
                </thead>
                <tbody>
                  {fields.map((field) => (
                    <tr key={field.name}>
                      <th scope="row">{field.name}</th>
                      <td>
                        <del>{field.before}</del>
                      </td>
                      <td>
                        <ins>{field.after}</ins>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        );
      })}
    </ol>
  );
}

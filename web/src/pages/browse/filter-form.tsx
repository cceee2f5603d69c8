// The filter bar of a listing. Each field is named after the query parameter it sets, so Apply
// writes every field's value into the URL (an empty one removes its parameter, a ticked box is
// `true`) and the filtered view is a permalink; the list goes back to its first page.
import type { ComponentChildren } from 'preact';
import { navigate, routeWith, type Route } from '../../router.js';
import { Field } from '../../ui/parts.js';

export function FilterForm(props: { route: Route; label: string; fixedUser: boolean; children: ComponentChildren }) {
  const q = props.route.query;
  return (
    <form
      class="filters"
      key={q.toString()}
      aria-label={props.label}
      onSubmit={(event) => {
        event.preventDefault();
        const changes: Record<string, string | undefined> = {};
        for (const element of Array.from(event.currentTarget.elements)) {
          if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement) || element.name === '') continue;
          changes[element.name] = element instanceof HTMLInputElement && element.type === 'checkbox' ? (element.checked ? 'true' : undefined) : element.value.trim() || undefined;
        }
        navigate(routeWith(props.route, changes));
      }}
    >
      {/* A page of one user keeps its user: the field is left out, and so is the parameter. */}
      {!props.fixedUser && <TextFilter query={q} name="userId" label="User" />}
      {props.children}
      <button type="submit" class="primary">
        Apply
      </button>
    </form>
  );
}

/** A text field that sets the query parameter `name`. */
export function TextFilter(props: { query: URLSearchParams; name: string; label: string; size?: number; hint?: string; placeholder?: string; list?: string }) {
  return (
    <Field label={props.label} {...(props.hint === undefined ? {} : { hint: props.hint })}>
      <input name={props.name} list={props.list} defaultValue={props.query.get(props.name) ?? ''} size={props.size ?? 10} placeholder={props.placeholder} spellcheck={false} />
    </Field>
  );
}

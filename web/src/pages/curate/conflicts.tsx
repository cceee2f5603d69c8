// Placeholder: replaced by the view's implementation.
export function ConflictsPage(_props: { namespace: string }) {
  return <p class="muted">ConflictsPage: not built yet.</p>;
}

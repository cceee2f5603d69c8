// Placeholder: replaced by the view's implementation.
export function RecallPage(_props: { namespace: string }) {
  return <p class="muted">RecallPage: not built yet.</p>;
}

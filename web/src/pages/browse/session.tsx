// Placeholder: replaced by the view's implementation.
export function SessionPage(_props: { namespace: string; sessionId: string }) {
  return <p class="muted">SessionPage: not built yet.</p>;
}

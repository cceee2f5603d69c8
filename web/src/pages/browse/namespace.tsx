// Placeholder: replaced by the view's implementation.
export function NamespacePage(_props: { namespace: string }) {
  return <p class="muted">NamespacePage: not built yet.</p>;
}

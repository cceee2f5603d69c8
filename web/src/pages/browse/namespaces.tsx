// Placeholder: replaced by the view's implementation.
export function NamespacesPage(_props: {}) {
  return <p class="muted">NamespacesPage: not built yet.</p>;
}

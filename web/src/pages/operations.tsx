// Placeholder: replaced by the view's implementation.
export function OperationsPage(_props: {}) {
  return <p class="muted">OperationsPage: not built yet.</p>;
}

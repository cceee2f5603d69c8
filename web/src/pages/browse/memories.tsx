// Placeholder: replaced by the view's implementation.
export function MemoriesPage(_props: { namespace: string }) {
  return <p class="muted">MemoriesPage: not built yet.</p>;
}

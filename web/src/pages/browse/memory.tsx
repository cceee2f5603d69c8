// Placeholder: replaced by the view's implementation.
export function MemoryPage(_props: { namespace: string; id: string }) {
  return <p class="muted">MemoryPage: not built yet.</p>;
}

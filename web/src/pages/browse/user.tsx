// Placeholder: replaced by the view's implementation.
export function UserPage(_props: { namespace: string; userId: string }) {
  return <p class="muted">UserPage: not built yet.</p>;
}

// Placeholder: replaced by the view's implementation.
export function EpisodesPage(_props: { namespace: string }) {
  return <p class="muted">EpisodesPage: not built yet.</p>;
}

// Placeholder: replaced by the view's implementation.
export function EpisodePage(_props: { namespace: string; id: string }) {
  return <p class="muted">EpisodePage: not built yet.</p>;
}

// Placeholder: replaced by the view's implementation.
export function ErasureReceiptPage(_props: { namespace: string; receiptId: string }) {
  return <p class="muted">ErasureReceiptPage: not built yet.</p>;
}

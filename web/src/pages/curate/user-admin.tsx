// Placeholder: replaced by export and erasure of a user (admins only).
export function UserAdmin(_props: { namespace: string; userId: string }) {
  return null;
}

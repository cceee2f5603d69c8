// Export and erasure of one user, for admins: the user's records as an NDJSON download, and a
// verified erasure behind a confirmation that makes the admin type the user's id, which then
// opens the erasure's receipt. Rendered in the user page's header; nothing for other keys.
import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../../app-context.js';
import { navigate, path } from '../../router.js';
import { may } from '../../session.js';
import { ConfirmButton, ErrorNote } from '../../ui/parts.js';
import './user-admin.css';

interface Download {
  url: string;
  name: string;
  bytes: number;
}

export function UserAdmin(props: { namespace: string; userId: string }) {
  const { client, caller } = useSession();
  const [download, setDownload] = useState<Download | undefined>();
  const [exporting, setExporting] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  // A blob URL holds the export in memory until revoked: drop it when a new one replaces it or the view goes.
  useEffect(() => () => download && URL.revokeObjectURL(download.url), [download]);
  // The user changed: the previous user's export is not this one's.
  useEffect(() => setDownload(undefined), [props.namespace, props.userId]);
  if (!may(caller, 'admin')) return null;

  const exportUser = async () => {
    setExporting(true);
    setFailure(undefined);
    try {
      const stream = await client.transfer.exportStream({ userId: props.userId }, { namespace: props.namespace });
      const blob = await new Response(stream, { headers: { 'content-type': 'application/x-ndjson' } }).blob();
      setDownload({ url: URL.createObjectURL(blob), name: `${props.namespace}-${props.userId}.ndjson`, bytes: blob.size });
    } catch (error) {
      setFailure(error);
    } finally {
      setExporting(false);
    }
  };

  return (
    <div class="user-admin" role="group" aria-label={`Admin: export or erase ${props.userId}`}>
      <button type="button" onClick={exportUser} disabled={exporting}>
        {exporting ? 'Exporting…' : 'Export user'}
      </button>
      {download !== undefined && (
        <a class="user-admin-download" href={download.url} download={download.name}>
          Save {download.name} ({Math.max(1, Math.round(download.bytes / 1024))} KiB)
        </a>
      )}
      <ConfirmButton
        label="Erase user"
        title={`Erase ${props.userId}?`}
        confirmLabel={`Erase ${props.userId}`}
        typeToConfirm={props.userId}
        danger
        onConfirm={async () => {
          const receipt = await client.erasure.eraseUser(props.userId, { namespace: props.namespace });
          navigate(path('n', props.namespace, 'erasures', receipt.receiptId));
        }}
      >
        <p>
          Every record of <strong>{props.userId}</strong> in <strong>{props.namespace}</strong> is removed from every tier, index and cache: sessions, episodes,
          memories and their history, vectors, and the audit log's entries about them. This cannot be undone; export the user first to keep a copy.
        </p>
        <p class="muted">memOS then checks each place again and answers with a receipt.</p>
      </ConfirmButton>
      {failure !== undefined && <ErrorNote error={failure} retry={exportUser} />}
    </div>
  );
}

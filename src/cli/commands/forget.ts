import { createInterface } from 'node:readline/promises';
import { MemosError } from '../../core/errors.js';
import type { ErasureReceipt } from '../../core/ports.js';
import { parseFlags } from '../parse-flags.js';
import { createProgress } from '../progress.js';
import { connectServer, SERVER_FLAGS } from '../server-api.js';

export const forgetUsage = `Usage: memos forget --user ID --namespace NS [--yes] [--url URL] [--admin-key KEY] [--quiet]
       memos forget --namespace NS [--yes] [--url URL] [--admin-key KEY] [--quiet]

Erases every trace of a user in a namespace (or of a whole namespace) on a running memOS:
sessions and the messages waiting in their outboxes, episodes, memories and their history,
vectors and index entries, keyword index rows and statistics, cached answers and the embedding
cache entries of the erased texts. memOS then looks for the subject in each of those places
again, and prints the receipt (also kept by the server: GET /api/v1/erasures/RECEIPT_ID).

On a terminal it asks you to type the user id (or the namespace) to confirm; elsewhere it
refuses unless --yes is given. Exits 1 when the verification still found something.

  --user ID          the user to erase
  --namespace NS     the namespace (required)
  --yes              do not ask for confirmation
  --url URL          the server, e.g. http://127.0.0.1:7420; default http://MEMOS_HOST:MEMOS_PORT
  --admin-key KEY    a key that may erase (admin, or write within its reach); default
                     MEMOS_ADMIN_KEY or the file MEMOS_ADMIN_KEY_FILE names
  --quiet            print the receipt only, no progress
  -h, --help         show this help`;

/** `memos forget`: verified erasure of a user or a namespace, through the running server. */
export async function forgetCommand(args: string[]): Promise<void> {
  const flags = parseFlags(args, { ...SERVER_FLAGS, user: { type: 'string' }, namespace: { type: 'string' }, yes: { type: 'boolean' }, quiet: { type: 'boolean' } });
  const namespace = flags.namespace;
  if (namespace === undefined) throw new MemosError('E_CONFIG', '--namespace is required: name the namespace to erase, or the one the user (--user) belongs to');
  const user = flags.user;
  const subject = user === undefined ? `the whole namespace '${namespace}'` : `user '${user}' in namespace '${namespace}'`;
  const api = connectServer(flags);

  if (flags.yes !== true) {
    if (!process.stdin.isTTY) throw new MemosError('E_CONFIG', `refusing to erase ${subject} without confirmation: stdin is not a terminal; pass --yes`);
    const expected = user ?? namespace;
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const typed = await prompt.question(`This erases every trace of ${subject} on ${api.base}, for good.\nType '${expected}' to confirm: `);
      if (typed.trim() !== expected) throw new MemosError('E_CONFIG', 'not confirmed: nothing was erased');
    } finally {
      prompt.close();
    }
  }

  // One request does the work on the server; the steps shown are the CLI's: ask, then read the receipt.
  const progress = createProgress({ label: 'erasure steps', total: 2, quiet: flags.quiet === true });
  progress.tick();
  const path = user === undefined ? `/api/v1/namespaces/${encodeURIComponent(namespace)}` : `/api/v1/users/${encodeURIComponent(user)}`;
  const receipt = await api.json<ErasureReceipt>('DELETE', path, { query: { namespace } });
  progress.tick();
  const removed = Object.values(receipt.removed).reduce((sum, count) => sum + count, 0);
  progress.done(`${subject}: ${removed} items removed; verification ${receipt.ok ? 'clean' : 'found leftovers'} (receipt ${receipt.receiptId})`);
  process.stdout.write(`${JSON.stringify(receipt, null, 2)}\n`);
  if (!receipt.ok) {
    const left = Object.entries(receipt.verified).filter(([, result]) => result !== 'clean').map(([place, result]) => `${place}: ${result}`);
    process.stderr.write(`memos: the verification still found the subject (${left.join(', ')}); run memos forget again\n`);
    process.exitCode = 1;
  }
}

// A request body written to a temporary file as fast as the client sends it, then read back from
// there: a long import is then not cut by the request timeout (server.requestTimeoutMs), which
// counts until the whole body has arrived, while memory stays bounded (the file holds the body).

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface SpooledBody {
  /** The body as read back from the file. */
  stream(): Readable;
  /** Removes the file. */
  remove(): Promise<void>;
}

export async function spoolBody(body: Readable): Promise<SpooledBody> {
  const folder = await mkdtemp(join(tmpdir(), 'memos-import-'));
  const file = join(folder, 'body.ndjson');
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    await pipeline(body, createWriteStream(file));
  } catch (error) {
    await remove();
    throw error;
  }
  return { stream: () => createReadStream(file), remove };
}

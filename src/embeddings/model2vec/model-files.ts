// Where a Model2Vec model's files are: an explicit folder (MEMOS_MODEL2VEC_PATH), or a folder per
// repo under the cache dir, filled from the Hugging Face hub on first use. Each download is
// written to a temp file beside its final name, fsynced, then renamed, so a failed or partial
// download never leaves a file under the final name. Concurrent first uses share one download.

import { randomBytes } from 'node:crypto';
import { access, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isMemosError, MemosError } from '../../core/errors.js';

export const MODEL_FILE = 'model.safetensors';
export const TOKENIZER_FILE = 'tokenizer.json';
export const CONFIG_FILE = 'config.json';

/** Required in every model folder. config.json is optional locally, but fetched with the rest. */
const REQUIRED = [MODEL_FILE, TOKENIZER_FILE] as const;
const DOWNLOADED = [CONFIG_FILE, TOKENIZER_FILE, MODEL_FILE] as const;
/** Per file, body included. potion models are 4–30 MB. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;
const REPO_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export interface ModelFilesOptions {
  /** An explicit model folder: used as is, never downloaded into. */
  path?: string;
  cacheDir: string;
  repo: string;
  hubUrl: string;
  fetch: typeof fetch;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** The cache folder of a hub repo: `<cacheDir>/<owner>--<name>`. */
export function cacheFolderOf(cacheDir: string, repo: string): string {
  if (!REPO_ID.test(repo) || repo.includes('..')) {
    throw new MemosError('E_CONFIG', `model2vec: '${repo}' is not a Hugging Face repo id (owner/name)`);
  }
  return join(resolve(cacheDir), repo.replace('/', '--'));
}

/** Downloads in flight in this process, by destination folder. */
const inFlight = new Map<string, Promise<void>>();

/** The folder holding the model's files, downloading them first when needed. */
export async function locateModelFiles(options: ModelFilesOptions): Promise<string> {
  if (options.path !== undefined) {
    const folder = resolve(options.path);
    for (const file of REQUIRED) {
      if (!(await exists(join(folder, file)))) {
        throw new MemosError('E_CONFIG', `model2vec: the model folder ${folder} has no ${file}`);
      }
    }
    return folder;
  }
  const folder = cacheFolderOf(options.cacheDir, options.repo);
  const present = await Promise.all(REQUIRED.map((file) => exists(join(folder, file))));
  if (present.every(Boolean)) return folder;

  let download = inFlight.get(folder);
  if (!download) {
    download = downloadModel(folder, options).finally(() => inFlight.delete(folder));
    inFlight.set(folder, download);
  }
  await download;
  return folder;
}

async function downloadModel(folder: string, options: ModelFilesOptions): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new MemosError('E_CONFIG', `model2vec: cannot create the model cache folder ${folder}`, { cause: error });
  }
  for (const file of DOWNLOADED) {
    if (await exists(join(folder, file))) continue;
    await downloadFile(folder, file, options);
  }
}

async function downloadFile(folder: string, file: string, options: ModelFilesOptions): Promise<void> {
  const base = options.hubUrl.replace(/\/+$/, '');
  const url = `${base}/${options.repo}/resolve/main/${file}`;
  const where = `${base}/${options.repo}`;
  const fail = (message: string, retryable: boolean, cause?: unknown) =>
    new MemosError('E_EMBEDDING_PROVIDER', `model2vec: downloading ${file} from ${where} ${message}`, {
      details: { retryable },
      cause,
    });

  const temp = join(folder, `.${file}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    const response = await options.fetch(url, { signal: timeout, redirect: 'follow' });
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => {});
      const status = response.status;
      throw fail(`failed: HTTP ${status}`, status === 408 || status === 429 || status >= 500);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    handle = await open(temp, 'wx');
    let received = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      received += chunk.byteLength;
      await handle.write(chunk);
    }
    if (Number.isFinite(declared) && received !== declared) {
      throw fail(`stopped after ${received} of ${declared} bytes`, true);
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, join(folder, file));
  } catch (error) {
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    if (isMemosError(error)) throw error;
    if (timeout.aborted) throw fail(`timed out after ${DOWNLOAD_TIMEOUT_MS} ms`, true, error);
    const { code, cause } = error as { code?: unknown; cause?: { code?: unknown } };
    const reason = typeof cause?.code === 'string' ? cause.code : typeof code === 'string' ? code : (error as Error).name;
    throw fail(`failed (${reason})`, true, error);
  }
}

// NDJSON both ways: an export answer read as parsed lines, and an import body made of whatever the
// caller has (text, bytes, a Blob, a stream, or records one by one).
import type { RequestBody } from './transport.js';

/** What `transfer.import` takes: the export text, its bytes, a Blob, a byte stream, or its lines (records or line strings). */
export type NdjsonSource =
  | string
  | Uint8Array
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<object | string | Uint8Array>
  | Iterable<object | string>;

/** A body fetch can send, and whether it can be sent twice (for a retry). */
export function ndjsonBody(source: NdjsonSource): { body: RequestBody; replayable: boolean } {
  if (typeof source === 'string' || source instanceof Uint8Array || (typeof Blob !== 'undefined' && source instanceof Blob)) {
    return { body: source as RequestBody, replayable: true };
  }
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) return { body: source, replayable: false };
  if (typeof source === 'object' && source !== null && (Symbol.asyncIterator in source || Symbol.iterator in source)) {
    return { body: streamOf(source as AsyncIterable<object | string | Uint8Array> | Iterable<object | string>), replayable: false };
  }
  throw new TypeError('transfer.import: send a string, Uint8Array, Blob, ReadableStream, or an iterable of records or lines');
}

/** A byte stream of lines: a record becomes its JSON, a string is one line (a newline is added when it lacks one), bytes go as they are. */
function streamOf(lines: AsyncIterable<object | string | Uint8Array> | Iterable<object | string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : (lines as Iterable<object | string>)[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done === true) return controller.close();
      const line: unknown = next.value;
      if (line instanceof Uint8Array) controller.enqueue(line);
      else if (typeof line === 'string') controller.enqueue(encoder.encode(line.endsWith('\n') ? line : `${line}\n`));
      else controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

/** Parses a byte stream of NDJSON line by line; a line that is not JSON throws, naming its number. */
export async function* ndjsonLines<T>(stream: ReadableStream<Uint8Array>): AsyncGenerator<T, void, undefined> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let number = 0;
  const parse = (line: string): T => {
    number += 1;
    try {
      return JSON.parse(line) as T;
    } catch {
      throw new SyntaxError(`line ${number} of the export is not JSON`);
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') yield parse(line);
      if (done) break;
    }
    if (buffered.trim() !== '') yield parse(buffered);
  } finally {
    // A caller that stops early (break) cancels the rest of the download.
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

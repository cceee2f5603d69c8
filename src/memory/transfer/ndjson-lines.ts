// Lines of an NDJSON stream, numbered from 1, each bounded in bytes: a stream of any length is read
// with memory bounded by its longest allowed line.

import { MemosError } from '../../core/errors.js';

export interface NumberedLine {
  line: number;
  text: string;
}

/** One offending line, as an import's answer names it. */
export function lineError(code: 'E_VALIDATION' | 'E_FORBIDDEN' | 'E_CONFLICT', line: number, field: string, message: string, imported?: string): MemosError {
  const full = imported === undefined ? message : `${message}; ${imported}`;
  return new MemosError(code, `line ${line}: ${field}: ${full}`, { details: { field, issues: [{ field, message: full, line }] } });
}

/**
 * The lines of `chunks` (UTF-8), without their `\n` (and a `\r` before it). A line longer than
 * `maxBytes` is an E_VALIDATION naming its number, raised before more than `maxBytes` of it is held.
 */
export async function* ndjsonLines(chunks: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<NumberedLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  const take = (tail: Buffer): NumberedLine => {
    const bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingBytes = 0;
    line += 1;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    return { line, text: bytes.toString('utf8', 0, end) };
  };
  const tooLong = () => lineError('E_VALIDATION', line + 1, 'line', `longer than ${maxBytes} bytes`);
  for await (const chunk of chunks) {
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let at = buffer.indexOf(0x0a); at !== -1; at = buffer.indexOf(0x0a)) {
      if (pendingBytes + at > maxBytes) throw tooLong();
      yield take(buffer.subarray(0, at));
      buffer = buffer.subarray(at + 1);
    }
    if (buffer.length > 0) {
      pendingBytes += buffer.length;
      if (pendingBytes > maxBytes) throw tooLong();
      pending.push(Buffer.from(buffer));
    }
  }
  if (pendingBytes > 0) yield take(Buffer.alloc(0));
}

// Requests that only a socket can send: bytes no HTTP client library would write (raw non-ASCII
// in the request line, broken chunking, conflicting lengths, odd methods and versions).

import { connect } from 'node:net';

export interface RawCase {
  name: string;
  bytes: Buffer;
}

const CRLF = '\r\n';
const request = (head: string, body: Buffer | string = '') => Buffer.concat([Buffer.from(head.split('\n').join(CRLF) + CRLF + CRLF, 'latin1'), Buffer.from(body)]);
const json = (method: string, target: string, body: Buffer | string, extra = '') =>
  request(`${method} ${target} HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nContent-Length: ${Buffer.byteLength(body)}${extra}\nConnection: close`, body);
const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

/** The raw cases, fixed: each is a whole HTTP/1.x exchange on its own connection. */
export const RAW_CASES: readonly RawCase[] = [
  { name: 'non-UTF-8 bytes in the path', bytes: bytes('GET /api/v1/memories/', [0xff, 0xfe], ' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n') },
  { name: 'a surrogate in CESU-8 in the path', bytes: bytes('GET /api/v1/memories/a', [0xed, 0xa0, 0xbd], '?namespace=fuzz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n') },
  { name: 'raw UTF-8 in the path', bytes: bytes('GET /api/v1/episodes/', [0xc3, 0xa9], ' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n') },
  { name: 'non-UTF-8 bytes in the query', bytes: bytes('GET /api/v1/memories?namespace=', [0xed, 0xa0, 0xbd], ' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n') },
  { name: 'NUL in the query', bytes: bytes('GET /api/v1/memories?namespace=a', [0], 'b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n') },
  { name: 'a space in the path', bytes: request('GET /api/v1/memories/a b HTTP/1.1\nHost: 127.0.0.1\nConnection: close') },
  { name: 'dot segments', bytes: request('GET /api/v1/../../../etc/passwd HTTP/1.1\nHost: 127.0.0.1\nConnection: close') },
  { name: 'an absolute-form target', bytes: request('GET http://elsewhere/api/v1/memories HTTP/1.1\nHost: 127.0.0.1\nConnection: close') },
  { name: 'an asterisk target', bytes: request('OPTIONS * HTTP/1.1\nHost: 127.0.0.1\nConnection: close') },
  { name: 'an empty target', bytes: request('GET  HTTP/1.1\nHost: 127.0.0.1\nConnection: close') },
  { name: 'HTTP/1.0 without Host', bytes: request('GET /api/v1/memories HTTP/1.0') },
  { name: 'no Host in HTTP/1.1', bytes: request('GET /api/v1/memories HTTP/1.1\nConnection: close') },
  { name: 'two Host headers', bytes: request('GET /health HTTP/1.1\nHost: a\nHost: b\nConnection: close') },
  ...['TRACE', 'PROPFIND', 'SEARCH', 'QUERY', 'PURGE', 'LINK', 'MKCOL', 'REPORT'].map((method) => ({ name: `method ${method}`, bytes: json(method, '/api/v1/memories', '{}') })),
  { name: 'a lower-case method', bytes: request('get /health HTTP/1.1\nHost: 127.0.0.1\nConnection: close') },
  { name: 'an unknown method', bytes: request('FROB /health HTTP/1.1\nHost: 127.0.0.1\nConnection: close') },
  { name: 'a body that is not UTF-8', bytes: json('POST', '/api/v1/memories', bytes('{"namespace":"fuzz","memories":[{"content":"', [0xed, 0xa0, 0xbd], '"}]}')) },
  { name: 'Content-Length shorter than the body', bytes: request('POST /api/v1/memories HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nContent-Length: 5\nConnection: close', '{"memories":[{"content":"x"}]}') },
  { name: 'Content-Length not a number', bytes: request('POST /api/v1/memories HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nContent-Length: ten\nConnection: close', '{}') },
  { name: 'a negative Content-Length', bytes: request('POST /api/v1/memories HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nContent-Length: -1\nConnection: close', '{}') },
  { name: 'two different Content-Lengths', bytes: request('POST /api/v1/memories HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nContent-Length: 2\nContent-Length: 3\nConnection: close', '{}') },
  { name: 'Content-Length and chunked together', bytes: request('POST /api/v1/memories HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nContent-Length: 2\nTransfer-Encoding: chunked\nConnection: close', '2\r\n{}\r\n0\r\n\r\n') },
  { name: 'a bad chunk size', bytes: request('POST /api/v1/memories HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nTransfer-Encoding: chunked\nConnection: close', 'zz\r\n{}\r\n0\r\n\r\n') },
  { name: 'a deep body in chunks', bytes: request('POST /api/v1/search HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nTransfer-Encoding: chunked\nConnection: close', `${(30_000).toString(16)}\r\n${'['.repeat(15_000)}${']'.repeat(15_000)}\r\n0\r\n\r\n`) },
  { name: 'an unknown transfer coding', bytes: request('POST /api/v1/memories HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nTransfer-Encoding: gzip, chunked\nConnection: close', '2\r\n{}\r\n0\r\n\r\n') },
  { name: 'a gzip body that is not gzip', bytes: json('POST', '/api/v1/memories', '{"memories":[{"content":"x"}]}', '\nContent-Encoding: gzip') },
  { name: 'Expect 100-continue', bytes: json('POST', '/api/v1/memories', '{"namespace":"fuzz","memories":[]}', '\nExpect: 100-continue') },
  { name: 'an unknown Expect', bytes: json('POST', '/api/v1/memories', '{}', '\nExpect: something') },
  { name: 'two Content-Types', bytes: json('POST', '/api/v1/memories', '{}', '\nContent-Type: text/plain') },
  { name: 'a header with a control character', bytes: bytes('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a', [1], 'b\r\nConnection: close\r\n\r\n') },
  { name: 'a header without a colon', bytes: request('GET /health HTTP/1.1\nHost: 127.0.0.1\nNoColonHere\nConnection: close') },
  { name: 'an obsolete folded header', bytes: request('GET /health HTTP/1.1\nHost: 127.0.0.1\nX-Folded: a\n b\nConnection: close') },
  { name: 'a 20 kB header', bytes: request(`GET /health HTTP/1.1\nHost: 127.0.0.1\nX-Big: ${'a'.repeat(20_000)}\nConnection: close`) },
  { name: 'a request id of 10 kB', bytes: request(`GET /health HTTP/1.1\nHost: 127.0.0.1\nX-Request-Id: ${'r'.repeat(10_000)}\nConnection: close`) },
  { name: 'a namespace header that is not an id', bytes: json('POST', '/v1/embeddings', '{"model":"hash-16","input":"x"}', '\nX-Memos-Namespace: a b') },
  { name: 'garbage instead of a request', bytes: bytes([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00], '\r\n\r\n') },
  { name: 'a request line without a version', bytes: request('GET /health') },
];

/**
 * Sends `bytes` on a fresh loopback connection and reads until the server closes it or `waitMs`
 * pass: the status of the final answer, or undefined when none came (the server closed, or waits
 * for bytes that will never come).
 */
export function sendRaw(port: number, bytes: Buffer, waitMs = 2_000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      // The final answer: an interim 100 Continue may come first.
      const statuses = [...Buffer.concat(chunks).toString('latin1').matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]));
      resolve(statuses.find((status) => status >= 200));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer changes nothing
    socket.on('close', finish);
    socket.write(bytes);
  });
}

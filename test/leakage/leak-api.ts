// How the leakage suite talks to memOS: one request, with a key or none, and its whole answer
// (status, headers and body text) to search for words the key may not see.

import type { TestMemos } from '../support/test-memos.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Answer {
  status: number;
  /** The body as sent, to search for planted words. */
  text: string;
  headers: Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely
  json: any;
}

export interface Sent {
  method: Method;
  /** Path with its query string. */
  url: string;
  headers: Record<string, string>;
  /** A JSON body, or the text of an NDJSON one (an import). */
  payload?: Record<string, unknown> | string;
}

export type Send = (request: Sent) => Promise<Answer>;

/** A sender over `inject()`. */
export function sender(memos: TestMemos): Send {
  return async ({ method, url, headers, payload }) => {
    const response = await memos.request({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    let json: unknown;
    try {
      json = response.body === '' ? undefined : JSON.parse(response.body);
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, text: response.body, headers: response.headers as Record<string, unknown>, json };
  };
}

/** `Authorization: Bearer <key>`, or no header for no key. */
export const bearer = (key: string | undefined): Record<string, string> => (key === undefined ? {} : { authorization: `Bearer ${key}` });

/** A JSON call with a key, failing unless the status is one of `ok`: for setup and verification. */
export async function must(send: Send, key: string, method: Method, url: string, payload?: Record<string, unknown>, ok: number[] = [200, 201, 204]): Promise<Answer> {
  const answer = await send({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) });
  if (!ok.includes(answer.status)) throw new Error(`${method} ${url} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  return answer;
}

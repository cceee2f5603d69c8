import { describe, expect, it } from 'vitest';
import { badTextPath, LONE_SURROGATE_MESSAGE, NUL_MESSAGE, textProblem } from './text-guard.js';

describe('text guard for path parameters and query strings', () => {
  it('tells NUL and lone surrogates from valid Unicode', () => {
    expect(textProblem('plain, é, 😀, \u200B, \uFFFF')).toBeUndefined();
    expect(textProblem('a\u0000b')).toBe(NUL_MESSAGE);
    for (const text of ['\uD83D', 'x\uDE00', '\uDE00\uD83D', '\uD83D\uD83D\uDE00']) expect(textProblem(text), text).toBe(LONE_SURROGATE_MESSAGE);
  });

  it('names the first offending field in document order, repeated query values by index', () => {
    expect(badTextPath({ namespace: 'ok', kind: ['fact', 'bad\uD800'], cursor: '\u0000' })).toEqual({ path: 'kind[1]', message: LONE_SURROGATE_MESSAGE });
    expect(badTextPath({ id: 'mem_1' })).toBeUndefined();
  });

  it('names a key holding a lone surrogate with U+FFFD in its place', () => {
    expect(badTextPath({ ['k\uDBFF']: 'v' })).toEqual({ path: 'k\uFFFD', message: LONE_SURROGATE_MESSAGE });
  });

  it('walks deep values without recursion', () => {
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(badTextPath({ q: deep })?.path).toBe(`q${'[0]'.repeat(100_000)}`);
  });
});

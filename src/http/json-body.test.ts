import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyDepthLimit, parseJsonBytes, parseJsonText } from './json-body.js';
import { badTextPath } from './text-guard.js';

const DEPTH = 64;
const parse = (text: string) => parseJsonText(text, DEPTH);

/** The E_VALIDATION a parse throws, as `{ field, message }`; fails the test when it does not throw one. */
function refusal(text: string | Buffer, depth = DEPTH): { field: string; message: string; detail: string } {
  try {
    if (typeof text === 'string') parseJsonText(text, depth);
    else parseJsonBytes(text, depth);
  } catch (error) {
    const { code, details, message } = error as { code: string; details: { field: string; issues: { message: string }[] }; message: string };
    expect(code).toBe('E_VALIDATION');
    return { field: details.field, message: details.issues[0]!.message, detail: message };
  }
  throw new Error(`accepted: ${String(text).slice(0, 80)}`);
}

const nested = (open: string, close: string, levels: number, inner = '1') => open.repeat(levels) + inner + close.repeat(levels);

describe('JSON body: what JSON.parse accepts comes out the same', () => {
  it('parses any JSON value without repeated keys, deep NUL or lone surrogates exactly as JSON.parse does', () => {
    const value = fc.jsonValue({ maxDepth: 8 }).filter((v) => !/__proto__|\\u0000/.test(JSON.stringify(v)));
    fc.assert(
      fc.property(value, fc.constantFrom(0, 2), (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        expect(parse(text)).toStrictEqual(JSON.parse(text));
      }),
      { seed: 4242, numRuns: 500 },
    );
  });

  it('refuses exactly the values holding NUL or a lone surrogate, naming the same first field as a walk of the parsed value', () => {
    // Code units that pair, fail to pair or are NUL, among ordinary characters.
    const unit = fc.oneof(fc.constantFrom('\uD83D', '\uDE00', '\uDBFF', '\uDC00', '\u0000', '😀', '"', '\\', '{'), fc.string({ unit: 'binary', maxLength: 1 }));
    const value = fc.jsonValue({ maxDepth: 6, stringUnit: unit }).filter((v) => !JSON.stringify(v).includes('__proto__'));
    fc.assert(
      fc.property(value, (v) => {
        const text = JSON.stringify(v);
        const bad = badTextPath(v);
        if (bad === undefined) expect(parse(text)).toStrictEqual(JSON.parse(text));
        else expect(refusal(text).field).toBe(bad.path === '' ? 'body' : bad.path);
      }),
      { seed: 4243, numRuns: 1000 },
    );
  });

  it('is not misled by brackets, quotes, colons and commas inside strings', () => {
    const text = '{"a":"{[\\"]},:","b":["]}","{\\\\"],"c\\"d":{"e":"\\\\\\""}}';
    expect(parse(text)).toEqual(JSON.parse(text));
    expect(parse(`{"deep":"${'['.repeat(DEPTH * 3)}"}`)).toEqual({ deep: '['.repeat(DEPTH * 3) });
  });

  it('keeps valid surrogate pairs, escaped or raw', () => {
    expect(parse('{"emoji":"\\ud83d\\ude00 and 😀"}')).toEqual({ emoji: '😀 and 😀' });
    expect(parse('{"\\uD83D\\uDE00":1}')).toEqual({ '😀': 1 });
  });

  it('allows the same key in sibling and nested objects', () => {
    expect(parse('[{"a":1},{"a":2,"b":{"a":3}}]')).toEqual([{ a: 1 }, { a: 2, b: { a: 3 } }]);
    expect(parse('{"constructor":{"name":1},"prototype":2}')).toEqual({ constructor: { name: 1 }, prototype: 2 });
  });
});

describe('JSON body: nesting is capped without recursion', () => {
  it('refuses 100,000 levels of arrays or objects naming the deepest field reached', () => {
    expect(refusal(nested('[', ']', 100_000))).toEqual({ field: `[0]`.repeat(DEPTH), message: `nests deeper than ${DEPTH} levels`, detail: expect.any(String) });
    const objects = refusal(`{"memories":[{"metadata":${nested('{"a":', '}', 100_000)}}]}`);
    expect(objects.field).toBe(`memories[0].metadata${'.a'.repeat(DEPTH - 3)}`);
  });

  it('accepts exactly the cap and refuses one level more', () => {
    expect(() => parse(nested('[', ']', DEPTH))).not.toThrow();
    expect(refusal(nested('[', ']', DEPTH + 1)).message).toBe(`nests deeper than ${DEPTH} levels`);
    expect(refusal(nested('[', ']', 6), 5).field).toBe('[0][0][0][0][0]');
  });

  it('is always above the metadata depth a request may carry', () => {
    expect(bodyDepthLimit(8)).toBe(64);
    expect(bodyDepthLimit(64)).toBeGreaterThanOrEqual(64 + 4);
  });
});

describe('JSON body: a key given twice in one object is refused', () => {
  it('names the key at the top level and nested', () => {
    expect(refusal('{"namespace":"a","namespace":"b"}')).toMatchObject({ field: 'namespace', message: 'is given more than once in one object' });
    expect(refusal('{"memories":[{"content":"x"},{"content":"y","metadata":{"a":1,"b":2,"a":3}}]}').field).toBe('memories[1].metadata.a');
  });

  it('compares keys after decoding their escapes', () => {
    expect(refusal('{"ab":1,"\\u0061b":2}').field).toBe('ab');
  });

  it('finds a repeat among thousands of keys', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`);
    expect(Object.keys(parse(`{${keys.join(',')}}`) as object)).toHaveLength(20_000);
    expect(refusal(`{${keys.join(',')},"k19999":0}`).field).toBe('k19999');
  });
});

describe('JSON body: text memOS cannot store is refused naming the field', () => {
  it.each([
    ['a lone high surrogate', '{"content":"a\\ud83d"}', 'content'],
    ['a lone low surrogate', '{"content":"\\udc00b"}', 'content'],
    ['a high surrogate before another high', '{"m":[{"c":"\\ud83d\\ud83d\\ude00"}]}', 'm[0].c'],
    ['a pair in the wrong order', '{"m":{"x":["ok","\\ude00\\ud83d"]}}', 'm.x[1]'],
    ['a high surrogate before a plain escape', '{"q":"\\ud83d\\n"}', 'q'],
  ])('%s', (_name, text, field) => {
    const { message } = refusal(text);
    expect(refusal(text).field).toBe(field);
    expect(message).toMatch(/lone UTF-16 surrogate/);
  });

  it('names a key holding a lone surrogate with U+FFFD, so that the answer is valid Unicode', () => {
    const { field, detail } = refusal('{"metadata":{"k\\ud800":1}}');
    expect(field).toBe('metadata.k\uFFFD');
    expect(detail).not.toMatch(/[\uD800-\uDFFF]/);
  });

  it('refuses NUL in a value or a key', () => {
    expect(refusal('{"state":{"step":"a\\u0000"}}')).toMatchObject({ field: 'state.step', message: 'must not contain the NUL character (U+0000)' });
    expect(refusal('{"metadata":{"k\\u0000":1}}').field).toBe('metadata.k\u0000');
  });

  it('refuses bytes that are not UTF-8 instead of turning them into U+FFFD', () => {
    for (const bytes of [[0xed, 0xa0, 0xbd], [0xc0, 0xaf], [0xf0, 0x9f], [0xff]]) {
      const body = Buffer.concat([Buffer.from('{"content":"'), Buffer.from(bytes), Buffer.from('"}')]);
      expect(refusal(body)).toMatchObject({ field: 'body', message: 'is not valid UTF-8' });
    }
    expect(parseJsonBytes(Buffer.from('{"content":"é😀"}'), DEPTH)).toEqual({ content: 'é😀' });
  });
});

describe('JSON body: what Fastify refused before is still refused', () => {
  it('refuses prototype poisoning, however the key is spelt', () => {
    expect(refusal('{"__proto__":{"admin":true}}').field).toBe('__proto__');
    expect(refusal('{"a":[{"__proto\\u005f_":1}]}').field).toBe('a[0].__proto__');
    expect(refusal('{"constructor":{"prototype":{"x":1}}}').field).toBe('constructor.prototype');
  });

  it('tolerates a leading byte order mark', () => {
    expect(parse('\uFEFF{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonBytes(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('{"a":1}')]), DEPTH)).toEqual({ a: 1 });
  });

  it('refuses an empty body and malformed JSON without quoting the text', () => {
    expect(refusal('')).toMatchObject({ field: 'body', message: 'is empty; send a JSON object' });
    for (const text of ['{"secret words": ', '{"a":1}}', '{"a":"\\u12"}', '{"a":"\\x"}', ' ', '\uFEFF', '{"a":1,}', "{'a':1}"]) {
      const { field, detail } = refusal(text);
      expect(field).toBe('body');
      expect(detail).toBe('body: is not valid JSON');
    }
  });
});

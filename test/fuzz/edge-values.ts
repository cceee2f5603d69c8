// Catalogues of values that break naive servers: unicode edge cases, boundary numbers, odd ids,
// bad times, content types and raw JSON texts. The request generators draw from them.

/** Strings that are valid Unicode but unusual, and strings that are not Unicode at all. */
export const UNICODE_EDGES: readonly string[] = [
  '\uD83D', // lone high surrogate
  '\uDE00', // lone low surrogate
  'a\uDBFFb',
  '\uDE00\uD83D', // a pair in the wrong order
  'ok\uD83D\uD83D\uDE00',
  '\u0000',
  'nul\u0000inside',
  '\u202Eevil\u202C', // right-to-left override
  '\u200B\u200C\u200D\u2060', // zero-width characters
  '\uFEFFbom',
  '𝕏😀👩‍👩‍👧‍👦', // astral characters and a long grapheme cluster
  'e\u0301\u0301\u0301\u0301\u0301\u0301', // stacked combining marks
  '\u2028\u2029', // line and paragraph separators
  '\u0001\u001F\u007F\u0085',
  '\uFFFE\uFFFF\uFDD0', // non-characters
  '\uDBFF\uDFFF', // the last code point, a valid pair
  'ﷺ',
  'עברית العربية',
  '%00%ED%A0%BD',
];

/** Strings that mean something to other layers (parsers, SQL, templates, paths). */
export const TRICKY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n\r',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE memories; --',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  'NaN',
  'Infinity',
  '-0',
  '1e400',
  'null',
  'true',
  '[]',
  '{}',
  '%',
  '%zz',
  '\\',
  '\\u0000',
];

/** Numbers at and past every bound a schema may have, and ones that stress number handling. */
export const EDGE_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 0.5, 1.0000000001, 0.1 + 0.2, 5e-324, -5e-324, 1e-7,
  2 ** 31 - 1, 2 ** 31, 2 ** 32, -(2 ** 31) - 1, 2 ** 53 - 1, 2 ** 53 + 2, 2 ** 63, 1e21, 1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE,
];

/** Number texts that JSON.parse turns into something surprising (Infinity, -0, rounding). */
export const RAW_NUMBER_TEXTS: readonly string[] = ['1e999', '-1e999', '-0', '1e-400', '123456789012345678901234567890', '0.1e1', '-1E+2', '1.5e300', '9007199254740993'];

/** Times that are malformed, or well-formed but outside what storage engines hold. */
export const BAD_TIMES: readonly string[] = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00+01:00',
  '9999-12-31T23:59:59.999-23:59',
  '9999-12-31T23:00:00-05:00',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-02-29T00:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T00:00:60Z',
  '2026-01-01t00:00:00z',
  '2026-01-01T00:00:00.123456789Z',
  '2026-01-01T00:00:00',
  '2026-01-01',
  '1700000000',
  'yesterday',
];

/** Path ids as they go into the URL, already encoded (or deliberately mis-encoded). */
export const ODD_PATH_IDS: readonly string[] = [
  '..',
  '.',
  '%2e%2e',
  '%2F',
  'a%2Fb',
  '%5C',
  'a%20b',
  '%00',
  'x%00y',
  '%ED%A0%BD', // a surrogate in CESU-8: not UTF-8
  '%C0%AF', // an overlong '/'
  '%E2%82', // a truncated sequence
  '%FF',
  '%',
  '%zz',
  '%25',
  encodeURIComponent('\u202Eabc'),
  encodeURIComponent('😀'),
  encodeURIComponent('é'),
  encodeURIComponent('\u200B'),
  'a'.repeat(128),
  'a'.repeat(129),
  'a'.repeat(600),
  '~',
  ';x=1',
  ':',
  '@',
  'mem_',
  '-',
];

/** Content types a client may send with a JSON body, mostly wrong. */
export const CONTENT_TYPES: readonly (string | undefined)[] = [
  undefined,
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;',
  'application/json; charset="utf-8"; x=y',
  'application/jsonx',
  'application/problem+json',
  'application/vnd.api+json',
  '*/*',
  'json',
  '',
];

/** Whole bodies that are not the JSON object a route takes. */
export const ODD_BODIES: readonly string[] = [
  '',
  ' ',
  'null',
  'true',
  '0',
  '"string"',
  '[]',
  '[{}]',
  '{',
  '}',
  '{"a":1,}',
  "{'a':1}",
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":1} trailing',
  '{"a":1}{"b":2}',
  '/* comment */ {}',
  '\uFEFF{}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"\n"}',
  '{"a":01}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":[1,2,]}',
];

/** Bytes that are not valid UTF-8, to splice into a body. */
export const BAD_UTF8: readonly number[][] = [[0xed, 0xa0, 0xbd], [0xed, 0xb8, 0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xff], [0xfe], [0x80]];

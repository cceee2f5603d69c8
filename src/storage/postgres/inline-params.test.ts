// Parameters inlined as literals must mean what they meant as placeholders: every value kind the
// stores send is read back by the real server the same way in both forms.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineParams } from './inline-params.js';
import { POSTGRES_URL, postgresReachable, servicesRequired } from './test-databases.js';

const reachable = await postgresReachable();

describe('inlineParams', () => {
  it('leaves a statement without a value for one of its placeholders, or with binary data, to the extended protocol', () => {
    expect(inlineParams('SELECT $1, $2', ['a'])).toBeUndefined();
    expect(inlineParams('SELECT $1', [Buffer.from('x')])).toBeUndefined();
    expect(inlineParams('SELECT $10, $1', ['a', 2, 3, 4, 5, 6, 7, 8, 9, "it's"])).toBe(`SELECT 'it''s', 'a'`);
  });

  describe.runIf(reachable || servicesRequired)('on PostgreSQL', () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    beforeAll(() => client.connect());
    afterAll(() => client.end());

    const cases: [string, string, unknown[]][] = [
      ['text with quotes, backslashes and accents', 'SELECT $1::text AS v, $2::text AS w', ["it's \\ a 'test' \\' café", '$1 E\'\\x\'']],
      ['NULL, numbers and booleans', 'SELECT $1::text IS NULL AS v, $2::int + 1 AS w, $3::float8 * 2 AS x, $4::boolean AS y', [null, 41, 0.125, false]],
      ['arrays with NULL, quotes, commas and braces', 'SELECT $1::text[] AS v, cardinality($2::real[]) AS w', [['a', null, 'b"c', 'd,e', '{f}', 'g\\h'], [0.5, -1e-7, 3]]],
      ['times and JSON', 'SELECT $1::timestamptz AS v, $2::jsonb AS w', ['2026-01-01T00:00:00.123Z', { a: "it's", b: [1, null] }]],
      ['a LIMIT and an untyped comparison', 'SELECT x FROM generate_series(1, 10) x WHERE x > $1 ORDER BY x LIMIT $2', [3, 2]],
    ];
    it.each(cases)('%s', async (_, sql, params) => {
      const expected = await client.query(sql, params);
      const inlined = inlineParams(sql, params);
      expect(inlined).toBeDefined();
      expect(inlined).not.toContain('$1::');
      const actual = await client.query(inlined!);
      expect(actual.rows).toEqual(expected.rows);
    });
  });
});

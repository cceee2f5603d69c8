import { describe, expect, it } from 'vitest';
import { jsonDepth } from './schemas.js';

describe('metadata and state depth', () => {
  it('counts nesting as the metadata limit means it', () => {
    expect(jsonDepth('x')).toBe(0);
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: { b: [1, { c: null }] } })).toBe(4);
  });

  it('measures 100,000 levels without recursion', () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(jsonDepth(deep)).toBe(100_001);
  });
});

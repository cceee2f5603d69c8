// What the README tells a new user about scopes and about the deploy stack matches memOS and deploy/.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');
const section = (heading: string) => readme.split(/^## /m).find((part) => part.startsWith(heading)) ?? '';

describe('the README', () => {
  it('says what each scope id is, and that userId is a filter rather than a security boundary', () => {
    const scope = section('Scope');
    for (const id of ['`namespace`', '`userId`', '`agentId`', '`sessionId`']) expect(scope, id).toContain(id);
    expect(scope).toMatch(/\*\*scope\*\*/);
    expect(scope).toMatch(/\*\*filters\*\*/);
    expect(scope).toMatch(/not a security boundary/);
  });

  it('names every Redis server the compose stack runs, with the setting that points memOS at it', () => {
    const compose = read('deploy/compose.yaml');
    const lines = compose.split('\n');
    const first = lines.indexOf('services:') + 1;
    const last = lines.findIndex((line, index) => index >= first && /^\S/.test(line));
    const services = lines.slice(first, last < 0 ? undefined : last).join('\n');
    const redisServers = [...services.matchAll(/^ {2}(redis[\w-]*):$/gm)].map((match) => match[1]!);
    expect(redisServers.length).toBeGreaterThan(0);
    const operations = section('Operations');
    for (const name of redisServers) expect(operations, name).toContain(`\`${name}\``);
    for (const setting of compose.match(/MEMOS_REDIS(_CACHE)?_URL/g) ?? []) expect(operations).toContain(setting);
    expect(operations).not.toMatch(/its one Redis/i);
  });
});

// The Host allow-list: a page in a browser reaches a loopback-bound memOS by DNS rebinding only
// under a host name of the attacker's, so requests must name a host this server answers to.
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/schema.js';
import { MemosError } from '../core/errors.js';

/** Whether memOS listens on a loopback address only (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return remembered(loopbackAnswers, host, () => {
    const address = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    return address === 'localhost' || address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
  });
}

/** Distinct headers remembered per answer table: a few hosts serve nearly every request. */
const REMEMBERED = 256;
const loopbackAnswers = new Map<string, boolean>();

/**
 * The answer for `key`, worked out once while the table has room (the answers depend on the key
 * alone): every request asks about its Host header, and the configured host is asked per request too.
 */
function remembered(table: Map<string, boolean>, key: string, work: () => boolean): boolean {
  const known = table.get(key);
  if (known !== undefined) return known;
  const answer = work();
  if (table.size >= REMEMBERED) table.clear();
  table.set(key, answer);
  return answer;
}

/** The host name a Host header names, lower-cased, without its port (an IPv6 address keeps its brackets); undefined when malformed. */
export function hostNameOf(header: string): string | undefined {
  return /^(\[[0-9a-f:.]+\]|[^:[\]/@\s]+)(?::\d{1,5})?$/.exec(header.trim().toLowerCase())?.[1];
}

export interface HostPolicy {
  /** Whether a request with this Host header (absent for HTTP/1.0 clients) may be served. */
  allows(header: string | undefined): boolean;
  /** Configured names and `*.` patterns; `*` when every host is allowed. */
  names: readonly string[];
  /** Every host is allowed because memOS listens beyond loopback and no list is configured. */
  openByDefault: boolean;
}

/**
 * Which Host headers memOS serves. Always: none (HTTP/1.0), IP addresses (a rebinding page needs a
 * name of its own; load balancers check health by IP) and `localhost`. Besides: the configured
 * names (`server.allowedHosts`, `*` for any), else, bound beyond loopback, any name.
 */
export function hostPolicy(server: Config['server']): HostPolicy {
  const openByDefault = server.allowedHosts === undefined && !isLoopbackHost(server.host);
  const names = server.allowedHosts ?? (openByDefault ? ['*'] : []);
  const bound = hostNameOf(server.host);
  const exact = new Set(['localhost', ...names.filter((name) => !name.startsWith('*')), ...(bound === undefined ? [] : [bound])]);
  const suffixes = names.filter((name) => name.startsWith('*.')).map((name) => name.slice(1));
  const any = names.includes('*');
  const answers = new Map<string, boolean>();
  const allows = (header: string) => {
    const name = hostNameOf(header);
    if (name === undefined) return false;
    if (any || exact.has(name) || isIP(name.replace(/^\[(.*)\]$/, '$1')) !== 0) return true;
    return suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
  };
  return {
    names,
    openByDefault,
    allows(header) {
      if (header === undefined || header === '') return true;
      return remembered(answers, header, () => allows(header));
    },
  };
}

/** Refuses, before the body is read, a request whose Host header names a host memOS does not answer to. */
export function installHostGuard(app: FastifyInstance, server: Config['server']): void {
  const policy = hostPolicy(server);
  if (policy.openByDefault) {
    app.log.warn(
      { host: server.host },
      'memOS listens beyond loopback and accepts any Host header: set MEMOS_ALLOWED_HOSTS to the names clients use, against DNS rebinding',
    );
  }
  // A callback hook, not an async one: no promise on every request.
  app.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.host;
    if (policy.allows(header)) return done();
    const name = hostNameOf(header ?? '');
    const shown = name !== undefined && /^[a-z0-9.-]{1,253}$/.test(name) ? `'${name}' ` : '';
    const message = `${shown}is not a host name this server answers to; add it to MEMOS_ALLOWED_HOSTS (server.allowedHosts)`;
    done(
      new MemosError('E_HOST_NOT_ALLOWED', `host: ${message}`, {
        details: { field: 'host', issues: [{ field: 'host', message, location: 'header' }] },
      }),
    );
  });
}

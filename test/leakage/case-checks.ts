// What the leakage suite expects of one request, and what it finds wrong in the answer: the status
// the key's role and reach call for, and no word, record id or key of what the key may not reach
// anywhere in the answer (body or headers), whether the request was refused or allowed.

import { onlyNamespaceOf, reachesNamespace, reachesRecords, roleAllows, type Actor } from './actors.js';
import type { Answer, Sent } from './leak-api.js';
import type { LeakRequest, RouteCase, Target } from './route-cases.js';
import { DEFAULT_NAMESPACE, type Tenant } from './tenants.js';

/**
 * Allowed; refused for the key (401) or its role or namespace (403); beyond the key's user (403
 * or 404); or missing (404): a record by id where the request works in another namespace than the record's.
 */
export type Expected = 'allowed' | 401 | 403 | 'beyond-user' | 'missing';

/** The namespace a request works in for this key; `*` when it covers every namespace. */
export function workingNamespace(row: RouteCase, actor: Actor, request: LeakRequest): string {
  if (row.scope === 'every' || row.scope === 'reach') return '*';
  return request.namespace ?? onlyNamespaceOf(actor) ?? (row.unnamed === 'every' ? '*' : DEFAULT_NAMESPACE);
}

export function expectationOf(row: RouteCase, actor: Actor, request: LeakRequest, target: Target): Expected {
  if (row.needs === 'public') return 'allowed';
  if (!actor.valid) return 401;
  if (row.needs === 'key') return 'allowed';
  if (!roleAllows(actor, row.needs)) return 403;
  // Answers only for the namespaces the key reaches; a user-bound key reaches none whole.
  if (row.scope === 'reach') return actor.userId === undefined ? 'allowed' : 403;
  const working = workingNamespace(row, actor, request);
  if (!reachesNamespace(actor, working)) return 403;
  if (request.byId && target.kind === 'tenant' && working !== target.namespace) return row.createsMissing ? 'allowed' : 'missing';
  if (actor.userId !== undefined && request.user !== undefined && request.user !== actor.userId) return 'beyond-user';
  return 'allowed';
}

/** The statuses an answer may have, with the problem code of a refusal. */
function allowedStatuses(row: RouteCase, request: LeakRequest, expected: Expected): { statuses: number[]; codes: string[] } {
  if (expected === 'allowed') return request.refusedBeyondReach === undefined ? { statuses: [200, 201, 202, 204], codes: [] } : { statuses: [request.refusedBeyondReach.status], codes: [request.refusedBeyondReach.code] };
  if (expected === 401) return { statuses: [401], codes: ['E_UNAUTHORIZED'] };
  if (expected === 403) return { statuses: [403], codes: ['E_FORBIDDEN'] };
  if (expected === 'missing') return { statuses: [404], codes: ['E_NOT_FOUND'] };
  // Beyond the key's user: naming the user is refused; a record of another user answers as missing.
  if (!request.byId) return { statuses: [403], codes: ['E_FORBIDDEN'] };
  return row.beyondUser === undefined ? { statuses: [404], codes: ['E_NOT_FOUND'] } : { statuses: [404, row.beyondUser.status], codes: ['E_NOT_FOUND', 'E_CONFLICT'] };
}

export interface Exchange {
  row: RouteCase;
  actor: Actor;
  request: LeakRequest;
  target: Target;
  sent: Sent;
  answer: Answer;
  expected: Expected;
}

/** Strings no answer to `actor` may hold: the secret and search words and record ids of each tenant it does not reach, and every key but those the request holds. */
export function forbiddenFor(actor: Actor, tenants: Tenant[], keys: Iterable<string>): Map<string, string> {
  const forbidden = new Map<string, string>();
  for (const tenant of tenants) {
    if (reachesRecords(actor, tenant.namespace, tenant.userId)) continue;
    forbidden.set(tenant.secret, `the secret word of ${tenant.label}`);
    forbidden.set(tenant.searchWord, `the search word of ${tenant.label}`);
    for (const id of [...tenant.memoryIds, ...tenant.episodeIds, ...tenant.fresh.records]) forbidden.set(id, `a record id of ${tenant.label}`);
  }
  for (const key of keys) forbidden.set(secretOf(key), 'an API key');
  return forbidden;
}

/** The secret part of a key (`memos_<id>_<secret>`), or the whole of a configured key. */
export function secretOf(key: string): string {
  return /^memos_[a-z0-9]{12}_/.test(key) ? key.slice(19) : key;
}

/** Everything a request carried, to leave out of the search: an answer may echo what it was sent. */
function sentText(sent: Sent): string {
  return `${sent.url} ${JSON.stringify(sent.headers)} ${JSON.stringify(sent.payload ?? null)}`;
}

/** What is wrong with one answer; empty when nothing is. */
export function problemsOf({ row, actor, request, target, sent, answer, expected }: Exchange, forbidden: Map<string, string>): string[] {
  const problems: string[] = [];
  const head = sent.method === 'HEAD';
  const { statuses, codes } = allowedStatuses(row, request, expected);
  if (!statuses.includes(answer.status)) problems.push(`answered ${answer.status}, expected ${statuses.join(' or ')} (${expected === 'allowed' ? 'allowed' : `refused: ${expected}`})`);
  else if (codes.length > 0 && !head && !codes.includes(answer.json?.code)) problems.push(`answered code ${String(answer.json?.code)}, expected ${codes.join(' or ')}`);
  if (expected === 401 && answer.status === 401 && typeof answer.headers['www-authenticate'] !== 'string') problems.push('a 401 without WWW-Authenticate');

  const carried = sentText(sent);
  const haystack = `${answer.text}\n${JSON.stringify(answer.headers)}`;
  for (const [word, what] of forbidden) {
    if (haystack.includes(word) && !carried.includes(word)) problems.push(`the answer holds ${what}`);
  }

  const sees = target.kind === 'tenant' && workingNamespace(row, actor, request) === target.namespace && reachesRecords(actor, target.tenant.namespace, target.tenant.userId);
  if (expected === 'allowed' && request.shows && !head && sees && !answer.text.includes(target.tenant.secret)) {
    problems.push(`an allowed read that should show ${target.tenant.label}'s records does not (the check would see nothing)`);
  }
  return problems;
}

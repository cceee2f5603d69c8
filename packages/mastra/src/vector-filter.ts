// Mastra's vector filters (MongoDB-like) that a memOS search can express: equality on the
// thread, the resource and the role, alone or joined by $and. Anything else is refused by name.
import { META, memosId, notSupported } from './memos-scope.js';

export interface SearchScope {
  userId?: string;
  sessionId?: string;
  metadata: Record<string, string>;
}

const FIELDS: Record<string, (scope: SearchScope, value: string) => void> = {
  resource_id: (scope, value) => (scope.userId = memosId(value, 'filter.resource_id')),
  thread_id: (scope, value) => (scope.sessionId = memosId(value, 'filter.thread_id')),
  role: (scope, value) => (scope.metadata[META.role] = value),
};

function equality(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && Object.keys(value).length === 1 && typeof (value as { $eq?: unknown }).$eq === 'string') {
    return (value as { $eq: string }).$eq;
  }
  throw notSupported(`MemosVector.query filter ${field}`, 'only equality to a string ({ field: "value" } or { $eq: "value" }) is supported');
}

function add(scope: SearchScope, filter: unknown, depth: number): void {
  if (filter === undefined || filter === null) return;
  if (typeof filter !== 'object' || Array.isArray(filter) || depth > 8) throw new TypeError('filter must be an object');
  for (const [field, value] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(value)) {
      for (const part of value) add(scope, part, depth + 1);
      continue;
    }
    const apply = FIELDS[field];
    if (apply === undefined) throw notSupported(`MemosVector.query filter field ${field}`, `filters may name ${Object.keys(FIELDS).join(', ')} (joined by $and)`);
    apply(scope, equality(value, field));
  }
}

/** The memOS search scope of a Mastra vector filter. */
export function searchScope(filter: unknown): SearchScope {
  const scope: SearchScope = { metadata: {} };
  add(scope, filter, 0);
  return scope;
}

// A search's namespace prefix and `filter`, in two parts: the equality conditions memOS can apply
// (metadata filters, at most 16), and the exact check the store applies to what memOS answers, with
// LangGraph's comparison rules (those of InMemoryStore: `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`,
// `$in`, `$nin`, else strict equality on the value's top-level field).
import type { Item } from '@langchain/langgraph-checkpoint';
import { copiedField, fieldKey, levelKey, META } from './item-mapping.js';

/** memOS takes at most this many metadata conditions in one search. */
export const MAX_CONDITIONS = 16;

const OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin']);

type Operators = Record<string, unknown>;

const isOperators = (value: unknown): value is Operators => typeof value === 'object' && value !== null && Object.keys(value).every((name) => OPERATORS.has(name));

/** Whether an item's field satisfies one filter entry, as InMemoryStore decides it. */
export function compareValues(itemValue: unknown, filterValue: unknown): boolean {
  if (!isOperators(filterValue)) return itemValue === filterValue;
  return Object.entries(filterValue).every(([operator, operand]) => {
    switch (operator) {
      case '$eq':
        return itemValue === operand;
      case '$ne':
        return itemValue !== operand;
      case '$gt':
        return Number(itemValue) > Number(operand);
      case '$gte':
        return Number(itemValue) >= Number(operand);
      case '$lt':
        return Number(itemValue) < Number(operand);
      case '$lte':
        return Number(itemValue) <= Number(operand);
      case '$in':
        return Array.isArray(operand) && operand.includes(itemValue);
      case '$nin':
        return Array.isArray(operand) ? !operand.includes(itemValue) : true;
      default:
        return false;
    }
  });
}

export interface ItemFilter {
  namespacePrefix: readonly string[];
  filter?: Record<string, unknown> | undefined;
}

/** Whether `item` lies under the prefix and passes the filter. */
export function matches(item: Item, { namespacePrefix, filter }: ItemFilter): boolean {
  if (namespacePrefix.length > item.namespace.length) return false;
  if (!namespacePrefix.every((label, level) => item.namespace[level] === label)) return false;
  return Object.entries(filter ?? {}).every(([field, wanted]) => compareValues(item.value[field], wanted));
}

export interface PreFilter {
  metadata: Record<string, string | number | boolean>;
  /** Whether every condition went to memOS, so that memOS's answer needs no further filtering to count. */
  complete: boolean;
}

/**
 * The metadata conditions memOS applies: the item marker, the agent, each prefix level and each
 * filter field that is a plain equality on a copied field, in that order, at most 16.
 */
export function preFilter(agentId: string | undefined, { namespacePrefix, filter }: ItemFilter, extra: Record<string, boolean> = {}): PreFilter {
  const conditions: Array<[string, string | number | boolean]> = [[META.marker, true], [META.agent, agentId ?? ''], ...Object.entries(extra)];
  namespacePrefix.forEach((label, level) => conditions.push([levelKey(level), label]));
  let complete = true;
  for (const [field, wanted] of Object.entries(filter ?? {})) {
    const value = isOperators(wanted) && Object.keys(wanted).length === 1 && '$eq' in wanted ? wanted.$eq : wanted;
    if (copiedField(field, value)) conditions.push([fieldKey(field), value as string | number | boolean]);
    else complete = false;
  }
  if (conditions.length > MAX_CONDITIONS) complete = false;
  return { metadata: Object.fromEntries(conditions.slice(0, MAX_CONDITIONS)), complete };
}

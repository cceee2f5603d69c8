import type { Tracer } from '@opentelemetry/api';
import type { Services } from '../memory/services.js';
import { inChildSpan } from './tracing.js';

/**
 * The services with a span around recall (search, context) and each write, between the HTTP span
 * and the store, cache and embedder spans below. Attributes say what was asked (namespace, mode,
 * how many items), never the query or the text.
 */
export function traceServices(services: Services, tracer: Tracer | undefined): Services {
  if (tracer === undefined) return services;
  const { search, context, memories, episodes, sessions } = services;
  return {
    ...services,
    search: {
      search: (input) =>
        inChildSpan(tracer, 'memos.search', { 'memos.namespace': input.namespace, 'memos.search.mode': input.mode, 'memos.search.limit': input.limit }, async (span) => {
          const result = await search.search(input);
          span?.setAttributes({ 'memos.search.hits': result.hits.length, 'memos.cached': result.cached });
          return result;
        }),
    },
    context: {
      build: (input) =>
        inChildSpan(tracer, 'memos.context', { 'memos.namespace': input.namespace, 'memos.context.token_budget': input.tokenBudget }, async (span) => {
          const bundle = await context.build(input);
          span?.setAttribute('memos.cached', bundle.cached);
          return bundle;
        }),
    },
    memories: {
      ...memories,
      upsert: (namespace, inputs) => inChildSpan(tracer, 'memos.memories.upsert', { 'memos.namespace': namespace, 'memos.items': inputs.length }, () => memories.upsert(namespace, inputs)),
      update: (ref, patch, expectedVersion) =>
        inChildSpan(tracer, 'memos.memories.update', { 'memos.namespace': ref.namespace }, () => memories.update(ref, patch, expectedVersion)),
    },
    episodes: {
      ...episodes,
      append: (namespace, inputs) => inChildSpan(tracer, 'memos.episodes.append', { 'memos.namespace': namespace, 'memos.items': inputs.length }, () => episodes.append(namespace, inputs)),
    },
    sessions: {
      ...sessions,
      put: (key, input) => inChildSpan(tracer, 'memos.sessions.put', { 'memos.namespace': key.namespace, 'memos.items': input.messages?.length ?? 0 }, () => sessions.put(key, input)),
      append: (key, messages, options) => inChildSpan(tracer, 'memos.sessions.append', { 'memos.namespace': key.namespace, 'memos.items': messages.length }, () => sessions.append(key, messages, options)),
    },
  };
}

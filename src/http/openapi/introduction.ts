// What the OpenAPI document says before its operations: what memOS is, how to authenticate, how
// to pick a namespace, how errors and pages look; and its security schemes and tags.

/** `info.description`, in CommonMark (the docs page renders it). */
export const INTRODUCTION = `memOS is a self-hosted memory server for AI agents. It keeps three tiers of memory per **namespace** (a tenant, an app, a project):

- **sessions**: the running conversation, short-term, with an idle TTL; messages that overflow its window, or outlive it, become episodes;
- **episodes**: what happened (messages, events, interventions with their outcome), in time order;
- **memories**: what is known (facts, preferences, reflections, summaries, procedures), merged when two state the same thing, with a version history.

\`POST /api/v1/search\` finds memories and episodes by hybrid (keyword and vector) search; \`POST /api/v1/context\` assembles a context bundle under a token budget. \`/v1/embeddings\` is an OpenAI-compatible embedding gateway.

## Authentication

Send an API key as \`Authorization: Bearer <key>\` or \`X-API-Key: <key>\`. A key looks like \`memos_<keyId>_<secret>\` and has a **role**, \`read\`, \`write\` or \`admin\` (each may do what the ones before it may), a list of namespaces it reaches (\`*\` for all), and optionally a \`userId\` that bounds it to one user's records. Each operation's \`security\` names the least role it needs; public operations say \`security: []\`. On loopback, while no key exists, memOS serves without keys; it requires them as soon as one exists or it listens beyond loopback.

## Namespaces

Every operation on stored records works in one namespace, named in one of three ways: \`namespace\` in the JSON body, \`?namespace=\` in the query, or the \`X-Memos-Namespace\` header (handy for SDKs that cannot change a body). Name it once, or the same in each place. With none named, a key that reaches exactly one namespace works in it, and otherwise the namespace is \`default\`. \`userId\`, \`agentId\` and \`sessionId\` are optional filters within a namespace.

## Errors

Every error is RFC 9457 problem details (\`application/problem+json\`, schema \`Problem\`). Branch on \`code\` (\`E_VALIDATION\`, \`E_NOT_FOUND\`, …), not on the words. A 400 names each offending field in \`field\` and \`errors[]\`, by its path in the request (\`memories[0].content\`). \`requestId\`, also the \`X-Request-Id\` header, finds the request in the server log. 429 and some 503s send \`Retry-After\`. On the OpenAI-compatible routes (\`/v1/…\`) the problem also carries OpenAI's \`error\` object.

## Pagination

Listings answer \`{ items, nextCursor }\`. While \`nextCursor\` is present there is more: send it back as \`?cursor=\` with the same filters for the next page. \`limit\` sets the page size.`;

/** `components.securitySchemes`: the same key, in either header. */
export const SECURITY_SCHEMES = {
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'memos_<keyId>_<secret>',
    description:
      'An API key as `Authorization: Bearer memos_<keyId>_<secret>`: a 12-character id ([a-z0-9]) and a 43-character secret (base64url), shown once when the key is made (`memos keys create`, or `POST /api/v1/admin/keys`). An operation\'s requirement names the least role it needs: `read`, `write` or `admin`, each allowing what the ones before it allow.',
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'The same key, as `X-API-Key: memos_<keyId>_<secret>`, for clients that cannot send a bearer token. Roles as for `bearer`.',
  },
} as const;

/** The tags operations are grouped by, in the order the docs page shows them. */
export const TAGS = [
  { name: 'sessions', description: 'Short-term memory: the running conversation, with an idle TTL' },
  { name: 'episodes', description: 'Episodic memory: what happened, in time order' },
  { name: 'memories', description: 'Semantic memory: what is known, merged and versioned' },
  { name: 'recall', description: 'Search and context bundles' },
  { name: 'embeddings', description: 'Embedding gateway, OpenAI-compatible, cached' },
  { name: 'lifecycle', description: 'Data lifecycle: verified erasure' },
  { name: 'inspect', description: 'What memOS holds: namespaces, users, sessions and counts' },
  { name: 'transfer', description: 'Export and import as NDJSON' },
  { name: 'access', description: 'API keys (admin)' },
  { name: 'operations', description: 'Service info, health, metrics, the audit log, caches and reindexing' },
];

// Request and response types of the client, all read from the generated `openapi-types.ts`:
// nothing here restates a field. Types are keyed by `METHOD /path` rather than by component name,
// so that renaming a component in the server's document changes nothing here.
import type { components, paths } from './openapi-types.js';

type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** Every operation the server's document declares, as `METHOD /path` (e.g. `GET /api/v1/memories/{id}`). */
export type OperationKey = {
  [P in keyof paths]: { [M in HttpMethod]: paths[P][M] extends undefined ? never : `${Uppercase<M>} ${P & string}` }[HttpMethod];
}[keyof paths];

type PathOf<K extends OperationKey> = K extends `${string} ${infer P}` ? (P extends keyof paths ? P : never) : never;
type MethodOf<K extends OperationKey> = K extends `${infer M} ${string}` ? Extract<Lowercase<M>, HttpMethod> : never;

/** The generated operation object of `METHOD /path`. */
export type Operation<K extends OperationKey> = NonNullable<paths[PathOf<K>][MethodOf<K>]>;

type Parameters<K extends OperationKey> = Operation<K> extends { parameters: infer Q } ? Q : never;

/** The query string of an operation (without `namespace`, which has its own option). */
export type Query<K extends OperationKey> = Parameters<K> extends { query?: infer Q } ? Omit<NonNullable<Q>, 'namespace'> : never;

/** The path parameters of an operation. */
export type PathParams<K extends OperationKey> = Parameters<K> extends { path: infer Q } ? Q : never;

/** The JSON body of an operation (with `namespace` left to the call's option, though it is still accepted). */
export type Body<K extends OperationKey> = Operation<K> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

type JsonOf<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type Responses<K extends OperationKey> = Operation<K> extends { responses: infer R } ? R : never;

/** The JSON a successful answer holds: the union over 200, 201 and 202; `unknown` when the document declares none. */
export type Ok<K extends OperationKey> = [JsonOf<Responses<K>[Extract<keyof Responses<K>, 200 | 201 | 202>]>] extends [never]
  ? unknown
  : JsonOf<Responses<K>[Extract<keyof Responses<K>, 200 | 201 | 202>]>;

/** One item of a paged listing. */
export type ItemOf<K extends OperationKey> = Ok<K> extends { items: Array<infer I> } ? I : never;

type Schemas = components['schemas'];

// Named records (the document's component schemas of the same names), read from the routes that
// answer them, so that they hold whatever the route answers.
export type Memory = Ok<'GET /api/v1/memories/{id}'>;
export type MemoryHistory = Ok<'GET /api/v1/memories/{id}/history'>;
export type MemoryVersion = MemoryHistory['versions'][number];
export type Episode = Ok<'GET /api/v1/episodes/{id}'>;
export type Session = Ok<'GET /api/v1/sessions/{sessionId}'>;
export type Message = Session['messages'][number];
export type SearchResponse = Ok<'POST /api/v1/search'>;
export type SearchHit = SearchResponse['hits'][number];
export type ContextBundle = Ok<'POST /api/v1/context'>;
export type MemoryPage = Ok<'GET /api/v1/memories'>;
export type EpisodePage = Ok<'GET /api/v1/episodes'>;

// Request bodies, as a caller writes them (fields with a server default are optional).
export type SearchRequest = Body<'POST /api/v1/search'>;
export type ContextRequest = Body<'POST /api/v1/context'>;
export type MemoryWrite = Body<'POST /api/v1/memories'>;
export type MemoryDraft = MemoryWrite['memories'][number];
export type MemoryWriteResult = Ok<'POST /api/v1/memories'>;
export type MemoryPatch = Body<'PATCH /api/v1/memories/{id}'>;
export type MemoryRetraction = Body<'POST /api/v1/memories/{id}/retract'>;
export type MemorySources = Ok<'GET /api/v1/memories/{id}/sources'>;
export type ConflictPage = Ok<'GET /api/v1/conflicts'>;
export type Conflict = ConflictPage['items'][number];
export type EpisodeWrite = Body<'POST /api/v1/episodes'>;
export type EpisodeDraft = EpisodeWrite['episodes'][number];
export type EpisodeWriteResult = Ok<'POST /api/v1/episodes'>;
export type SessionPut = Body<'PUT /api/v1/sessions/{sessionId}'>;
export type SessionAppend = Body<'POST /api/v1/sessions/{sessionId}/messages'>;
export type SessionWriteResult = Ok<'PUT /api/v1/sessions/{sessionId}'>;

/** The problem+json body of a failed request (the document's `Problem` component). */
export type Problem = Schemas['Problem'];

/** One line of an export stream (docs/export-format.md): `header`, `session`, `episode`, `memory` or `end`. */
export interface ExportLine {
  type: string;
  [field: string]: unknown;
}

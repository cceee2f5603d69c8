// @memos/ai-sdk: memOS memory for the AI SDK (packages/ai-sdk/README.md).
export { memosTools, type ForgetMode, type ForgetResult, type MemosTools, type MemosToolsOptions, type RememberResult } from './tools.js';
export { formatContext, memosMiddleware, type MemosMiddlewareOptions } from './middleware.js';
export type { MemosErrorPolicy, MemosStage } from './error-policy.js';
export type { RecallHit } from './recall-hit.js';
export type { MemosScope } from './scope.js';

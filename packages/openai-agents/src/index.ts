// @memos/openai-agents: memOS sessions for the OpenAI Agents SDK (README.md).
export { MemosSession, type MemosSessionOptions } from './memos-session.js';
export { memosInstructions, type MemosInstructionsOptions } from './memos-instructions.js';
export { decodeMessage, encodeItem, ITEM_METADATA_KEY, ITEM_TYPE_METADATA_KEY, type MessageDraft, type MessageRole, type StoredMessage } from './item-codec.js';

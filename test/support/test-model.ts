import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The real Model2Vec model for tests (`MEMOS_MODEL2VEC_PATH`, else the shared one beside the project). */
export const MODEL_PATH = process.env.MEMOS_MODEL2VEC_PATH ?? resolve(ROOT, '..', 'shared', 'models', 'potion-base-4M-int8');

/** Whether the model is there: tests that need it skip without it, and fail instead when MEMOS_REQUIRE_SERVICES=1. */
export const haveModel = existsSync(join(MODEL_PATH, 'model.safetensors'));
if (!haveModel && process.env.MEMOS_REQUIRE_SERVICES === '1') throw new Error(`no Model2Vec model at ${MODEL_PATH}`);

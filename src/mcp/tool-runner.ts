// How every MCP tool call runs: the role check, the scope check, the audit entry (the same actions
// as the equivalent HTTP routes, committed with the change where the store allows, as the HTTP
// audit hook does), and errors turned into MCP tool errors whose text is safe to show a model.

import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import type { AuditAction } from '../audit/audit-actions.js';
import type { Principal, Role } from '../auth/principal.js';
import type { Config } from '../config/schema.js';
import { AuditDraft, runInAuditScope, type AuditBase } from '../core/audit-scope.js';
import { isMemosError, validationError } from '../core/errors.js';
import type { AuditOutcome } from '../core/types.js';
import { badTextPath } from '../http/text-guard.js';
import type { Services } from '../memory/services.js';
import { callScope, checkRole, DEFAULT_NAMESPACE, type CallScope, type PinnedScope } from './caller-scope.js';

/** Where a caller's calls log: memOS's logger, or the HTTP request's (its lines carry the request id). */
export type McpLogger = Pick<Logger, 'info' | 'error'>;

/** Who calls, and with what: one per MCP connection (stdio) or per request (`/mcp`). */
export interface McpCaller {
  principal: Principal;
  pinned: PinnedScope;
  config: Config;
  services: Services;
  logger: McpLogger;
  /** The id audit entries name: the HTTP request's; a fresh one per call when absent (stdio, in memory). */
  requestId?: string;
}

/** What a tool needs and how the audit log names it. */
export interface ToolSpec {
  name: string;
  role: Role;
  action: AuditAction;
}

/** A tool's answer: concise text for the model, and the same as structured content. */
export interface ToolAnswer {
  text: string;
  structured: Record<string, unknown>;
}

/** Arguments every tool may carry: where it works. */
interface ScopeArgs {
  namespace?: string | undefined;
  userId?: string | undefined;
}

const DENIED_CODES = new Set(['E_UNAUTHORIZED', 'E_FORBIDDEN', 'E_RATE_LIMITED']);
export const GENERIC_FAILURE = 'E_INTERNAL: the tool failed on the server; its log has the details';

function outcomeOf(error: unknown): AuditOutcome {
  return isMemosError(error) && DENIED_CODES.has(error.code) ? 'denied' : 'failed';
}

/** The text a failed call shows: a MemosError's own message (written to be safe), else a generic one. */
export function safeMessage(error: unknown): string {
  return isMemosError(error) && error.code !== 'E_INTERNAL' ? `${error.code}: ${error.message}` : GENERIC_FAILURE;
}

/** Runs one call of `spec` with `args` (already validated against the tool's schema). */
export async function runTool(caller: McpCaller, spec: ToolSpec, args: ScopeArgs, work: (scope: CallScope) => Promise<ToolAnswer>, recordIds: string[] = []): Promise<CallToolResult> {
  const recorder = auditRecorder(caller, spec, recordIds);
  let draft: AuditDraft | undefined;
  try {
    checkRole(caller.principal, spec.role, spec.name);
    // What the HTTP body parser refuses: NUL and lone surrogates, which PostgreSQL cannot store.
    const bad = badTextPath(args);
    if (bad !== undefined) throw validationError([{ field: bad.path, message: bad.message }]);
    const scope = callScope(caller.principal, caller.pinned, args);
    draft = recorder?.draft(scope.namespace, scope.userId);
    const answer = draft === undefined ? await work(scope) : await runInAuditScope(draft, () => work(scope));
    if (draft !== undefined) await recorder?.finish(draft, 'ok');
    return { content: [{ type: 'text', text: answer.text }], structuredContent: answer.structured };
  } catch (error) {
    if (recorder !== undefined) {
      const namespace = caller.pinned.namespace ?? args.namespace ?? DEFAULT_NAMESPACE;
      await recorder.finish(draft ?? recorder.draft(namespace, caller.pinned.userId ?? args.userId), outcomeOf(error)).catch(() => undefined);
    }
    return toolError(caller.logger, spec.name, error);
  }
}

/** A failed call as the model sees it: `isError`, and text that holds no memory text and no secret. */
export function toolError(logger: McpLogger, tool: string, error: unknown): CallToolResult {
  if (!isMemosError(error) || error.code === 'E_INTERNAL' || error.code === 'E_STORAGE_UNAVAILABLE') {
    logger.error({ err: error, tool, code: isMemosError(error) ? error.code : 'E_INTERNAL' }, 'MCP tool failed');
  }
  return { isError: true, content: [{ type: 'text', text: safeMessage(error) }] };
}

/** The audit entries of one call, or undefined when its action is a read and reads are not recorded. */
function auditRecorder(caller: McpCaller, spec: ToolSpec, recordIds: string[]) {
  const { config, services, principal, logger } = caller;
  if (spec.action.kind === 'read' && !config.audit.reads) return undefined;
  const audit = services.audit;
  const requestId = caller.requestId ?? `mcp-${randomUUID()}`;
  const draft = (namespace: string, userId: string | undefined): AuditDraft => {
    const base: AuditBase = {
      ...audit.stamp(),
      keyId: principal.keyId,
      role: principal.role,
      action: spec.action.action,
      method: 'MCP',
      route: `mcp/${spec.name}`,
      namespace,
      ...(userId === undefined ? {} : { userId }),
      ...(recordIds.length === 0 ? {} : { recordIds }),
      requestId,
    };
    return new AuditDraft(base);
  };
  const finish = async (entryDraft: AuditDraft, outcome: AuditOutcome): Promise<void> => {
    if (await entryDraft.close()) {
      // Committed with the change: the log line is the copy.
      logger.info({ audit: entryDraft.entry('ok') }, 'audit');
      if (outcome === 'ok') return;
      const failed = { ...entryDraft.entry(outcome), ...audit.stamp() };
      logger.info({ audit: failed }, 'audit');
      audit.record(failed);
      return;
    }
    const entry = entryDraft.entry(outcome);
    logger.info({ audit: entry }, 'audit');
    audit.record(entry);
  };
  return { draft, finish };
}


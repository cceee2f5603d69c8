import { z } from 'zod';
import { ROLES } from '../../core/types.js';
import { LOCAL_PRINCIPAL } from '../../auth/access-hook.js';
import * as example from '../openapi/examples.js';
import type { RouteContext, ZodApp } from './route-context.js';

const caller = z
  .object({
    keysRequired: z.boolean().describe('Whether memOS requires a key now; false while authentication is off (loopback with no key, or MEMOS_AUTH=off)'),
    keyId: z.string().describe('The key’s id (`memos_<keyId>_…`); `admin-key` for MEMOS_ADMIN_KEY; `local` while keys are not required'),
    name: z.string().optional().describe('What the key is for, as its maker named it'),
    role: z.enum(ROLES).describe('read, write or admin; admin while keys are not required'),
    namespaces: z.array(z.string()).describe('The namespaces the key may touch; ["*"] for every one'),
    userId: z.string().optional().describe('The one user whose records the key reaches; every user’s when absent'),
  })
  .describe('Who the request acts as: the key’s role and reach, never its secret')
  .meta({ examples: [{ keysRequired: true, keyId: example.KEY_ID, name: 'support-bot for alice', role: 'write', namespaces: [example.NAMESPACE], userId: example.USER_ID }] });

/** `GET /api/v1/whoami`: what the presented key may do, so that a client (the web UI) offers only that. */
export function callerRoutes(app: ZodApp, { schemas }: RouteContext): void {
  app.get('/api/v1/whoami', {
    schema: {
      tags: ['access'],
      operationId: 'getCaller',
      summary: 'The role and reach of the key a request carries',
      description:
        'Answers who the request acts as: the key’s id, name, role, namespaces and user, never its secret. While keys are not required (loopback with no key, or MEMOS_AUTH=off) it answers `keysRequired: false` and the local admin. Needs any valid key; no key, where one is required, is a 401.',
      response: { 200: schemas.name('Caller', caller) },
    },
    handler: (request) => {
      const principal = request.principal ?? LOCAL_PRINCIPAL;
      return {
        keysRequired: principal !== LOCAL_PRINCIPAL,
        keyId: principal.keyId,
        ...(principal.name === undefined ? {} : { name: principal.name }),
        role: principal.role,
        namespaces: [...principal.namespaces],
        ...(principal.userId === undefined ? {} : { userId: principal.userId }),
      };
    },
  });
}

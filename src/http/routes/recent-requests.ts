import { z } from 'zod';
import { RECENT_INTERVAL_SECONDS, RECENT_WINDOW_SECONDS, type RecentRequests } from '../../observability/recent-requests.js';
import type { RouteContext, ZodApp } from './route-context.js';

const bucket = z
  .object({
    start: z.string().describe('When the interval began (ISO 8601); it lasts `intervalSeconds`'),
    requests: z.number().int().describe('Requests answered in the interval, whatever their status'),
    errors: z.number().int().describe('Of those, answers with a 5xx status'),
    clientErrors: z.number().int().describe('Of those, answers with a 4xx status (bad input, no key, not found …)'),
    p50Ms: z.number().describe('Median time to answer, in ms: the upper bound of the latency histogram bucket that holds it, at most `maxMs`; 0 without requests'),
    p95Ms: z.number().describe('95th percentile time to answer, in ms, read the same way as `p50Ms`; 0 without requests'),
    maxMs: z.number().describe('The slowest answer of the interval, in ms; 0 without requests'),
  })
  .describe('The requests of one interval');

const report = z
  .object({
    intervalSeconds: z.number().int().describe('Seconds each bucket covers'),
    windowSeconds: z.number().int().describe('Seconds all the buckets cover together: the last 15 minutes'),
    since: z.string().describe('When this process began recording (ISO 8601): buckets before it are zero for want of data, not of traffic'),
    buckets: z.array(bucket).describe('One bucket per interval, oldest first, the last being the interval under way; intervals without traffic are zero buckets'),
  })
  .describe('Request rate and latency of this process over the last minutes')
  .meta({
    examples: [
      {
        intervalSeconds: RECENT_INTERVAL_SECONDS,
        windowSeconds: RECENT_WINDOW_SECONDS,
        since: '2026-03-14T09:00:00.000Z',
        buckets: [
          { start: '2026-03-14T09:26:30.000Z', requests: 0, errors: 0, clientErrors: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 },
          { start: '2026-03-14T09:26:40.000Z', requests: 42, errors: 1, clientErrors: 3, p50Ms: 2, p95Ms: 12.4, maxMs: 12.4 },
        ],
      },
    ],
  });

/** `GET /metrics/recent`: the last 15 minutes of this process's requests, for the UI's operations view. */
export function recentRequestRoutes(app: ZodApp, { schemas }: RouteContext, recent: RecentRequests): void {
  app.get('/metrics/recent', {
    schema: {
      tags: ['operations'],
      operationId: 'getRecentRequests',
      summary: 'Request rate and latency over the last 15 minutes',
      description:
        'Requests answered by this process in 10-second intervals over the last 15 minutes, oldest first, with 5xx and 4xx counts and p50/p95/max latency; intervals without traffic are zero buckets. Requests to `/metrics`, `/metrics/recent` and `/ui` are not counted: scrapes, and the web UI polling this route, would drown the traffic it is meant to show. Kept in a fixed ring in memory (bounded however much traffic comes), so it covers this process only, since it started, and answers whether or not Prometheus metrics are on (`metrics.enabled`). Needs the `read` role, with a key that reaches every namespace.',
      response: { 200: schemas.name('RecentRequests', report) },
    },
    handler: () => recent.report(),
  });
}

// Domain records for tests that need whole records without going through a service.
import type { Episode, Memory } from '../../src/core/types.js';

const EPOCH = '2026-03-01T10:00:00.000Z';

/** A memory as a store holds it: version 1, embedding pending, in namespace `default` unless overridden. */
export function testMemory(overrides: Partial<Memory> & Pick<Memory, 'id'>): Memory {
  return {
    namespace: 'default',
    content: `memory ${overrides.id}`,
    kind: 'fact',
    importance: 0.5,
    metadata: {},
    sourceEpisodeIds: [],
    sourceSessionIds: [],
    version: 1,
    createdAt: EPOCH,
    updatedAt: EPOCH,
    lastConfirmedAt: EPOCH,
    validFrom: overrides.createdAt ?? EPOCH,
    supersedes: [],
    conflicts: [],
    embedding: { status: 'pending' },
    ...overrides,
  };
}

/** An observation episode, embedding pending, in namespace `default` unless overridden. */
export function testEpisode(overrides: Partial<Episode> & Pick<Episode, 'id'>): Episode {
  return {
    namespace: 'default',
    kind: 'observation',
    content: `episode ${overrides.id}`,
    occurredAt: EPOCH,
    createdAt: EPOCH,
    metadata: {},
    embedding: { status: 'pending' },
    ...overrides,
  };
}

// Placeholder: replaced by the curation controls. Renders nothing for a key that may not write.
import type { Memory } from '@memos/client';

export function MemoryActions(_props: { namespace: string; memory: Memory; onChanged(): void }) {
  return null;
}

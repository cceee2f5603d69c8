import { MemoryStorage } from '@mastra/core/storage';
import { notSupported } from './memos-scope.js';

const WHY = 'observational memory keeps Mastra-specific records that have no memOS tier; leave `observationalMemory` off';

/**
 * The observational-memory part of Mastra's memory domain, refused with one clear error each.
 * `supportsObservationalMemory` stays false, so Mastra's Memory does not call them by itself.
 */
export abstract class ObservationalMemoryUnsupported extends MemoryStorage {
  override readonly supportsObservationalMemory = false;

  override async getObservationalMemory(): Promise<never> {
    throw notSupported('getObservationalMemory', WHY);
  }
  override async getObservationalMemoryHistory(): Promise<never> {
    throw notSupported('getObservationalMemoryHistory', WHY);
  }
  override async initializeObservationalMemory(): Promise<never> {
    throw notSupported('initializeObservationalMemory', WHY);
  }
  override async updateActiveObservations(): Promise<never> {
    throw notSupported('updateActiveObservations', WHY);
  }
  override async updateBufferedObservations(): Promise<never> {
    throw notSupported('updateBufferedObservations', WHY);
  }
  override async swapBufferedToActive(): Promise<never> {
    throw notSupported('swapBufferedToActive', WHY);
  }
  override async createReflectionGeneration(): Promise<never> {
    throw notSupported('createReflectionGeneration', WHY);
  }
  override async updateBufferedReflection(): Promise<never> {
    throw notSupported('updateBufferedReflection', WHY);
  }
  override async swapBufferedReflectionToActive(): Promise<never> {
    throw notSupported('swapBufferedReflectionToActive', WHY);
  }
  override async setReflectingFlag(): Promise<never> {
    throw notSupported('setReflectingFlag', WHY);
  }
  override async setObservingFlag(): Promise<never> {
    throw notSupported('setObservingFlag', WHY);
  }
  override async setBufferingObservationFlag(): Promise<never> {
    throw notSupported('setBufferingObservationFlag', WHY);
  }
  override async setBufferingReflectionFlag(): Promise<never> {
    throw notSupported('setBufferingReflectionFlag', WHY);
  }
  override async insertObservationalMemoryRecord(): Promise<never> {
    throw notSupported('insertObservationalMemoryRecord', WHY);
  }
  override async clearObservationalMemory(): Promise<never> {
    throw notSupported('clearObservationalMemory', WHY);
  }
  override async setPendingMessageTokens(): Promise<never> {
    throw notSupported('setPendingMessageTokens', WHY);
  }
  override async updateObservationalMemoryConfig(): Promise<never> {
    throw notSupported('updateObservationalMemoryConfig', WHY);
  }
}

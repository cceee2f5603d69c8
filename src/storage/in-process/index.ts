export { createLruCache, type LruCacheOptions } from './lru-cache-store.js';

import { describe, expect, it } from 'vitest';
import { createBackgroundQueue } from './judge-worker-queue.js';
import { logSink } from '../../../test/support/log-sink.js';
import pino from 'pino';

describe('the background queue', () => {
  it('works after the caller returns, one item at a time, and drops the oldest when full, with a warning', async () => {
    const sink = logSink();
    const logger = pino({ level: 'debug' }, sink.stream);
    const done: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = createBackgroundQueue<number>({
      name: 'test', maxQueue: 2, logger,
      run: async (item) => {
        if (item === 1) await gate;
        done.push(item);
      },
    });
    queue.push(1);
    expect(done).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    queue.push(2);
    queue.push(3);
    queue.push(4); // 2 is pushed out
    expect(queue.dropped).toBe(1);
    release();
    await queue.drain();
    expect(done).toEqual([1, 3, 4]);
    expect(sink.lines.some((line) => line.level === 40 && line.msg === 'background queue full: the oldest item was dropped')).toBe(true);
    await queue.close();
  });

  it('logs a failed item by code and goes on; close drops what waits and aborts what runs', async () => {
    const sink = logSink();
    const logger = pino({ level: 'debug' }, sink.stream);
    const done: number[] = [];
    const queue = createBackgroundQueue<number>({
      name: 'test', maxQueue: 10, logger,
      run: async (item, signal) => {
        if (item === 1) throw Object.assign(new Error('secret text'), { code: 'E_STORAGE_UNAVAILABLE' });
        if (item === 2) await new Promise((resolve) => signal.addEventListener('abort', resolve));
        done.push(item);
      },
    });
    queue.push(1);
    queue.push(2);
    queue.push(3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await queue.close();
    expect(done).toEqual([2]);
    expect(queue.dropped).toBe(1);
    expect(sink.raw()).not.toContain('secret text');
    expect(sink.lines.find((line) => line.code === 'E_STORAGE_UNAVAILABLE')).toBeDefined();
    queue.push(4);
    await queue.drain();
    expect(done).toEqual([2]);
  });
});

/**
 * The completion feed against hostile listeners and records: a listener that throws (or is not a
 * function) neither keeps the others from hearing nor ends the process, whichever way the record
 * comes (published here, stored before the wait, or the feed lost); a record that is not final is
 * refused, here as in every other process.
 */
import type { TaskRecord } from '@kling-kit/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedisCoordinator, type RedisCoordinator } from '../src/index';
import { useRedis } from './helpers/scripts';

const test = useRedis();
let subject: RedisCoordinator | undefined;

afterEach(async () => {
  await subject?.close();
});

const record = (taskId: string, state = 'success') => ({ taskId, state }) as unknown as TaskRecord;
/** Resolves once the feed is subscribed (a watch before that hears `null` at once: poll instead). */
async function untilLive(coordinator: RedisCoordinator): Promise<void> {
  await vi.waitFor(async () => {
    const heard: unknown[] = [];
    const stop = coordinator.watch('probe', (got) => heard.push(got));
    await new Promise((resolve) => setTimeout(resolve, 20));
    stop();
    expect(heard).toEqual([]);
  });
}

const thrower = () => {
  throw new Error('a listener that fails');
};

describe('the completion feed', () => {
  it('delivers to every listener even when one throws, published or stored before the wait', async () => {
    subject = createRedisCoordinator({
      redis: test.redis,
      apiKey: 'sk-feed',
      prefix: 'feed',
      onWarning: () => {},
    });
    await untilLive(subject);
    const heard: string[] = [];
    subject.watch('task-a', thrower);
    subject.watch('task-a', (got) => heard.push(`a:${got?.state}`));
    await subject.publish(record('task-a'));
    // Stored before the wait: delivered from Redis's record.
    subject.watch('task-a', thrower);
    subject.watch('task-a', (got) => heard.push(`late:${got?.state}`));
    subject.watch('task-a', undefined as never);
    // (A listener still watching also hears this process's own message come back on the channel.)
    await vi.waitFor(() => expect(new Set(heard)).toEqual(new Set(['a:success', 'late:success'])));
  });

  it('refuses a record that is not final, and delivers nothing for it', async () => {
    subject = createRedisCoordinator({
      redis: test.redis,
      apiKey: 'sk-feed',
      prefix: 'feed-2',
      onWarning: () => {},
    });
    await untilLive(subject);
    const heard: unknown[] = [];
    subject.watch('task-b', (got) => heard.push(got));
    await expect(subject.publish(record('task-b', 'generating'))).rejects.toThrow(/final state/);
    await expect(subject.publish({ state: 'success' } as never)).rejects.toThrow(/taskId/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toEqual([]);
  });

  it('tells a throwing listener that the feed is lost without ending the process', async () => {
    subject = createRedisCoordinator({
      redis: test.redis,
      apiKey: 'sk-feed',
      prefix: 'feed-3',
      onWarning: () => {},
    });
    await subject.close();
    const heard: unknown[] = [];
    subject.watch('task-c', thrower);
    subject.watch('task-c', (got) => heard.push(got));
    await vi.waitFor(() => expect(heard).toEqual([null]));
    subject = undefined;
  });
});

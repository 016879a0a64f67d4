/**
 * @kling-kit/redis: many processes on one kie.ai key. kie.ai's limits (20 creates per 10 s per
 * account, 10 recordInfo queries per second per key) shared as atomic sliding windows in Redis, and
 * a completion feed so that a callback received by one process resolves a wait in another.
 *
 * ```ts
 * const coordinator = createRedisCoordinator({ redis: process.env.REDIS_URL! });
 * const kling = createKlingClient({ coordinator });
 * export const POST = createCallbackHandler({ secret, coordinator, onCallback });
 * ```
 */
export {
  createRedisCoordinator,
  type RateLimitedOperation,
  type RedisCoordinator,
  type RedisCoordinatorOptions,
} from './coordinator';
export { keyHash } from './keys';

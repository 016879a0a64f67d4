/**
 * @kling-kit/mock-server: a faithful, stateful mock of kie.ai's Kling video API (every Kling model
 * of the jobs API) for offline contract tests. Start it in-process with `startMockServer()` or from
 * the shell with `kling-mock`.
 */
export type { AccountView, RuntimeSettings, TaskView } from './admin';
export { MockAdmin, NotFoundError } from './admin';
export type { MockServerOptions } from './options';
export { MOCK_SERVER_VERSION, type RunningMockServer, startMockServer } from './server';
export type { DeliveryAttempt, DeliveryTrigger } from './state/callbacks';
export { signCallback } from './state/callbacks';
export { type Fault, type FaultSpec, OPERATIONS, type OperationId } from './state/faults';
export { parseTiming, type StateDurations, type Timing } from './state/timing';

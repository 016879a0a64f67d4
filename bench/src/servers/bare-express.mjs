/**
 * Bare Express 5, the mock's own copy (so the versions match): the same routes and JSON as the mock,
 * no validation, no state. It takes the mock's app settings (no x-powered-by, no ETag, the simple
 * query parser), so only the mock's own work differs. Prints `listening on http://127.0.0.1:PORT`.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const express = createRequire(import.meta.resolve('@kling-kit/mock-server'))('express');
const record = JSON.parse(process.env.BENCH_RECORD);
const credits = JSON.parse(process.env.BENCH_CREDITS);
const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.set('query parser', 'simple');
app.post('/api/v1/jobs/createTask', express.json({ limit: '1mb' }), (_req, res) => {
  res.json({ code: 200, msg: 'success', data: { taskId: randomBytes(16).toString('hex') } });
});
app.get('/api/v1/jobs/recordInfo', (req, res) => {
  res.json({ ...record, data: { ...record.data, taskId: String(req.query.taskId) } });
});
app.get('/api/v1/chat/credit', (_req, res) => {
  res.json(credits);
});
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok', tasks: 0 });
});
const server = app.listen(0, '127.0.0.1', () => {
  console.info(`bare express listening on http://127.0.0.1:${server.address().port}`);
});
server.keepAliveTimeout = 5000;

/** Where the mock POSTs the callbacks of finished tasks (plain node:http, its own process). */
import http from 'node:http';

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('ok'));
});
server.listen(0, '127.0.0.1', () => {
  console.info(`callback sink listening on http://127.0.0.1:${server.address().port}`);
});

// Child process of the bench runner: the baseline, a bare node:http server that reads each request body and
// answers a fixed JSON as large as the service's answer.
import { createServer } from 'node:http';

process.once('message', ({ body }) => {
  const payload = Buffer.from(body);
  const headers = { 'content-type': 'application/json', 'content-length': payload.byteLength };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, headers);
      response.end(payload);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.once('disconnect', () => server.close(() => process.exit(0)));
});

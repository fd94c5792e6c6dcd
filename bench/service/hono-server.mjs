// Child process of the layer benchmark: Hono on @hono/node-server, the service's framework and adapter with
// nothing of the service in them. It reads each body the way the service does (through the Request) and answers
// a fixed JSON as large as the service's answer: the most any app on this stack can serve here.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

process.once('message', ({ body }) => {
  const app = new Hono();
  app.post('/predict', async (c) => {
    await c.req.arrayBuffer();
    return c.body(body, 200, { 'content-type': 'application/json' });
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, ({ port }) =>
    process.send({ port }),
  );
  process.once('disconnect', () => server.close(() => process.exit(0)));
});

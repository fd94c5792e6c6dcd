/**
 * The baseline of the platform's overhead benchmark: a minimal node:http server that calls the built handler in
 * its own process, with the same two Function URL translations the platform's front uses (functionUrlEvent,
 * httpResponseOf), so that the only difference left is what the platform adds: the front's routing, the pool and
 * the IPC hand-off to an execution environment and back. Forked by the bench (through tsx, as it imports the
 * platform's TypeScript); gets `{handlerPath}` over IPC, answers `{port}` once it listens. The handler's logs go
 * where the parent sends stdout (nowhere).
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { functionUrlEvent, httpResponseOf } from '../../platform/src/local/function-url.ts';
import { localLambdaContext } from '../../service/src/lambda/context.ts';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

process.once('message', async ({ handlerPath }: { handlerPath: string }) => {
  const { handler } = (await import(pathToFileURL(handlerPath).href)) as { handler: Handler };
  // Invoked through `live`, as the platform's front invokes it.
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'predictor';
  const baseContext = localLambdaContext(functionName);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const event = functionUrlEvent({
        method: request.method ?? 'GET',
        rawUrl: request.url ?? '/',
        headers: request.headersDistinct,
        body: Buffer.concat(chunks),
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        requestId: randomUUID(),
        now: new Date(),
        domainName: request.headers.host ?? '127.0.0.1',
      });
      const context = {
        ...localLambdaContext(functionName),
        invokedFunctionArn: `${baseContext.invokedFunctionArn}:live`,
      };
      const { status, headers, cookies, body } = httpResponseOf(await handler(event, context));
      response.writeHead(status, { ...headers, ...(cookies.length ? { 'set-cookie': [...cookies] } : {}) });
      response.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
  process.once('disconnect', () => server.close());
});

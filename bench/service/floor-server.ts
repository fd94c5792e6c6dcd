// Child process of the throughput benchmarks: the stack's own floor. A bare node:http server that reads each
// body, runs the model once on it through onnxruntime-node (the service's predictor, nothing merged), and
// answers the same JSON the service would, with no framework, validation, logging or metrics. The service's
// requests/s over this server's is issue 9's throughput ratio. Started with tsx; the body must be a complete
// household, as the example request is.
import { createServer } from 'node:http';
import type { Household } from '../../model/src/domain.ts';
import { loadPredictor } from '../../model/src/predictor.ts';
import { householdPredictionOf } from '../../service/src/predict.ts';

process.once('message', async ({ modelDir }: { modelDir: string }) => {
  const predictor = await loadPredictor(modelDir);
  const { modelVersion } = predictor;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const household = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Household;
      const [kwhByMonth = []] = await predictor.predict([household]);
      const payload = Buffer.from(JSON.stringify({ modelVersion, ...householdPredictionOf(kwhByMonth) }));
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.byteLength });
      response.end(payload);
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address !== null ? address.port : 0 });
  });
  process.once('disconnect', () => server.close(() => process.exit(0)));
});

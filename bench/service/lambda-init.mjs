// Child process of the bench runner: a fresh `node` doing what a Lambda init does — import the built handler,
// which loads the model and creates the onnxruntime session at module top level.
import { pathToFileURL } from 'node:url';

const started = performance.now();
await import(pathToFileURL(process.argv[2]).href);
const importMs = performance.now() - started;
// performance.now() counts from the process's time origin, so this includes Node's own start.
process.send({ importMs, sinceProcessStartMs: performance.now() }, () => process.disconnect());

import onnxProto from 'onnx-proto';
import { MONTHS_PER_YEAR } from './domain.ts';
import { FEATURE_COUNT } from './features.ts';
import { type LogRatioModel, OUTPUTS_PER_FEATURE } from './log-ratio-model.ts';
import { INPUT_WIDTH, ONNX_NAMES } from './onnx-io.ts';

const { onnx } = onnxProto;

/**
 * The model as an ONNX graph, built node by node so the service needs nothing but onnxruntime:
 *   ratios[n, m] = exp(input[n] · W')     (MatMul, then Exp)
 * where input[n] holds the household's features in its known month k's block (see onnx-io.ts) and
 *   W'[k·F + f, m] = W[f, k, m] − W[f, k, k],
 * so the known month's own log-ratio is subtracted inside the weights: its column is exactly zero and its
 * ratio exactly 1. The differences are taken in float64 and rounded once to float32.
 * Opset 17 with IR version 8 is the pair ONNX 1.12 defines; onnxruntime 1.30 runs it.
 */

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export function exportOnnx(model: LogRatioModel): Uint8Array {
  const float = onnx.TensorProto.DataType.FLOAT;
  const graph = onnx.GraphProto.create({
    name: 'household_monthly_kwh_ratios',
    node: [
      node('MatMul', [ONNX_NAMES.input, 'weights'], ['log_ratios']),
      node('Exp', ['log_ratios'], [ONNX_NAMES.ratios]),
    ],
    initializer: [floatTensor('weights', [INPUT_WIDTH, MONTHS_PER_YEAR], knownMonthRelativeWeights(model))],
    input: [valueInfo(ONNX_NAMES.input, float, INPUT_WIDTH)],
    output: [valueInfo(ONNX_NAMES.ratios, float, MONTHS_PER_YEAR)],
  });
  const modelProto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'shiftgate-model',
    graph,
  });
  return onnx.ModelProto.encode(modelProto).finish();
}

/** W' as row-major [12 × FEATURE_COUNT][12]: block k is W[·, k, ·] minus its known-month column W[·, k, k]. */
function knownMonthRelativeWeights({ weights }: LogRatioModel): Float32Array {
  const months = MONTHS_PER_YEAR;
  const relative = new Float32Array(INPUT_WIDTH * months);
  for (let known = 0; known < months; known++) {
    for (let feature = 0; feature < FEATURE_COUNT; feature++) {
      const source = feature * OUTPUTS_PER_FEATURE + known * months;
      const target = (known * FEATURE_COUNT + feature) * months;
      const knownWeight = weights[source + known] as number;
      for (let month = 0; month < months; month++) {
        relative[target + month] = (weights[source + month] as number) - knownWeight;
      }
    }
  }
  return relative;
}

function node(opType: string, input: string[], output: string[]) {
  return onnx.NodeProto.create({ opType, input, output, name: output[0] });
}

function floatTensor(name: string, dims: number[], values: Float32Array) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: littleEndianBytes(values),
  });
}

/** ONNX raw_data is little-endian; typed arrays use the host order, so write through a DataView. */
function littleEndianBytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => {
    view.setFloat32(index * 4, value, true);
  });
  return bytes;
}

/** [N, width] with a symbolic batch dimension. */
function valueInfo(name: string, elemType: number, width: number) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'batch' }, { dimValue: width }] } } },
  });
}

import onnxProto from 'onnx-proto';
import { MONTHS_PER_YEAR } from './domain.ts';
import { FEATURE_COUNT } from './features.ts';
import { type LogRatioModel, OUTPUTS_PER_FEATURE } from './log-ratio-model.ts';
import { ONNX_NAMES } from './onnx-io.ts';

const { onnx } = onnxProto;

/**
 * The model as an ONNX graph, built node by node so the service needs nothing but onnxruntime:
 *   scores[n, k, m] = features[n] · W            (MatMul, reshaped to 12 known × 12 predicted months)
 *   z[n, m]         = Σ_k scores[n, k, m] · onehot[n, k]   (select the known month's block)
 *   ratios[n, m]    = exp(z[n, m] − z[n, known])            (the known month's ratio is exactly 1)
 * Opset 17 with IR version 8 is the pair ONNX 1.12 defines; onnxruntime 1.30 runs it.
 */

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export function exportOnnx(model: LogRatioModel): Uint8Array {
  const float = onnx.TensorProto.DataType.FLOAT;
  const months = MONTHS_PER_YEAR;
  const initializers = [
    floatTensor('weights', [FEATURE_COUNT, OUTPUTS_PER_FEATURE], Float32Array.from(model.weights)),
    int64Tensor('block_shape', [-1, months, months]),
    int64Tensor('axis_1', [1]),
    int64Tensor('axis_2', [2]),
  ];
  const nodes = [
    node('MatMul', [ONNX_NAMES.features, 'weights'], ['scores_flat']),
    node('Reshape', ['scores_flat', 'block_shape'], ['scores']),
    node('Unsqueeze', [ONNX_NAMES.knownMonth, 'axis_2'], ['block_selector']),
    node('Mul', ['scores', 'block_selector'], ['selected_scores']),
    node('ReduceSum', ['selected_scores', 'axis_1'], ['z'], 0),
    node('Mul', ['z', ONNX_NAMES.knownMonth], ['known_only']),
    node('ReduceSum', ['known_only', 'axis_1'], ['z_known'], 1),
    node('Sub', ['z', 'z_known'], ['log_ratios']),
    node('Exp', ['log_ratios'], [ONNX_NAMES.ratios]),
  ];
  const graph = onnx.GraphProto.create({
    name: 'household_monthly_kwh_ratios',
    node: nodes,
    initializer: initializers,
    input: [
      valueInfo(ONNX_NAMES.features, float, FEATURE_COUNT),
      valueInfo(ONNX_NAMES.knownMonth, float, months),
    ],
    output: [valueInfo(ONNX_NAMES.ratios, float, months)],
  });
  const modelProto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'shiftgate-model',
    graph,
  });
  return onnx.ModelProto.encode(modelProto).finish();
}

function node(opType: string, input: string[], output: string[], keepdims?: number) {
  const attribute =
    keepdims === undefined
      ? []
      : [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: keepdims }];
  return onnx.NodeProto.create({ opType, input, output, name: output[0], attribute });
}

function floatTensor(name: string, dims: number[], values: Float32Array) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: littleEndianBytes(values),
  });
}

function int64Tensor(name: string, values: number[]) {
  const data = new BigInt64Array(values.map(BigInt));
  return onnx.TensorProto.create({
    name,
    dims: [values.length],
    dataType: onnx.TensorProto.DataType.INT64,
    rawData: littleEndianBytes(data),
  });
}

/** ONNX raw_data is little-endian; typed arrays use the host order, so write through a DataView. */
function littleEndianBytes(values: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  values.forEach((value: number | bigint, index: number) => {
    if (typeof value === 'bigint') view.setBigInt64(index * 8, value, true);
    else view.setFloat32(index * 4, value, true);
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

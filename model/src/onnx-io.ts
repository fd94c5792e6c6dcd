/**
 * The ONNX graph's input and output names: the contract between the exporter and the predictor. Kept apart from
 * onnx-export.ts so the service's bundle never pulls in onnx-proto/protobufjs, which only training needs.
 */
export const ONNX_NAMES = {
  features: 'features',
  knownMonth: 'known_month_onehot',
  ratios: 'ratios',
} as const;

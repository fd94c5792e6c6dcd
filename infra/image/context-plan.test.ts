import { describe, expect, it } from 'vitest';
import { IMAGE_CONTEXT_BUDGET_BYTES, parseArchitecture } from './architecture.ts';
import {
  checkBudget,
  HANDLER_FILE,
  HANDLER_SOURCE_MAP,
  isRuntimeFile,
  planImageContext,
  SERVICE_BUNDLE,
  SERVICE_BUNDLE_MAP,
} from './context-plan.ts';

describe('isRuntimeFile', () => {
  it.each([
    { path: 'package.json', x86_64: true, arm64: true },
    { path: 'dist/cjs/package.json', x86_64: true, arm64: true },
    { path: 'dist/index.js', x86_64: true, arm64: true },
    { path: 'dist/esm/backend.js', x86_64: true, arm64: true },
    { path: 'dist/index.js.map', x86_64: false, arm64: false },
    { path: 'dist/index.d.ts', x86_64: false, arm64: false },
    { path: 'lib/index.ts', x86_64: false, arm64: false },
    { path: 'script/install.js', x86_64: false, arm64: false },
    { path: 'README.md', x86_64: false, arm64: false },
    { path: 'bin/napi-v6/linux/x64/libonnxruntime.so.1', x86_64: true, arm64: false },
    { path: 'bin/napi-v6/linux/x64/onnxruntime_binding.node', x86_64: true, arm64: false },
    { path: 'bin/napi-v6/linux/arm64/onnxruntime_binding.node', x86_64: false, arm64: true },
    { path: 'bin/napi-v6/darwin/arm64/onnxruntime_binding.node', x86_64: false, arm64: false },
    { path: 'bin/napi-v6/win32/x64/onnxruntime.dll', x86_64: false, arm64: false },
  ])('$path: x86_64 $x86_64, arm64 $arm64', ({ path, x86_64, arm64 }) => {
    expect(isRuntimeFile(path, 'x86_64')).toBe(x86_64);
    expect(isRuntimeFile(path, 'arm64')).toBe(arm64);
  });
});

describe('planImageContext', () => {
  const packageFiles = {
    'onnxruntime-node': [
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'bin/napi-v6/linux/arm64/onnxruntime_binding.node',
    ],
    'onnxruntime-common': ['package.json', 'dist/cjs/index.js'],
  };

  it('lays out runtime packages first, then the model, then the bundle renamed to the handler file and its map', () => {
    expect(planImageContext({ architecture: 'x86_64', packageFiles }).map((step) => step.to)).toEqual([
      'node_modules/onnxruntime-node/package.json',
      'node_modules/onnxruntime-node/dist/index.js',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-common/package.json',
      'node_modules/onnxruntime-common/dist/cjs/index.js',
      'model/artifacts/model.onnx',
      'model/artifacts/model.card.json',
      HANDLER_FILE,
      HANDLER_SOURCE_MAP,
    ]);
    expect(planImageContext({ architecture: 'x86_64', packageFiles }).slice(-2)).toEqual([
      { from: SERVICE_BUNDLE, to: HANDLER_FILE },
      { from: SERVICE_BUNDLE_MAP, to: 'lambda.mjs.map' },
    ]);
  });

  it('never copies from model training data', () => {
    const steps = planImageContext({ architecture: 'arm64', packageFiles });
    expect(steps.filter((step) => step.from.startsWith('model/data'))).toEqual([]);
  });

  it('refuses an architecture whose binaries are missing, naming it and the fix', () => {
    const withoutArm = {
      ...packageFiles,
      'onnxruntime-node': ['package.json', 'bin/napi-v6/linux/x64/a.node'],
    };
    expect(() => planImageContext({ architecture: 'arm64', packageFiles: withoutArm })).toThrow(
      /no native binaries for linux\/arm64: reinstall it/,
    );
  });
});

describe('checkBudget', () => {
  it.each([
    { architecture: 'x86_64', sizes: [IMAGE_CONTEXT_BUDGET_BYTES.x86_64], withinBudget: true },
    { architecture: 'x86_64', sizes: [IMAGE_CONTEXT_BUDGET_BYTES.x86_64, 1], withinBudget: false },
    { architecture: 'arm64', sizes: [IMAGE_CONTEXT_BUDGET_BYTES.arm64 + 1], withinBudget: false },
    { architecture: 'arm64', sizes: [], withinBudget: true },
  ] as const)(
    '$architecture, $sizes bytes: within budget $withinBudget',
    ({ architecture, sizes, withinBudget }) => {
      expect(checkBudget(sizes, architecture).withinBudget).toBe(withinBudget);
    },
  );
});

describe('parseArchitecture', () => {
  it.each([
    ['x86_64', 'x86_64'],
    ['amd64', 'x86_64'],
    ['arm64', 'arm64'],
  ])('reads %s as %s', (name, expected) => {
    expect(parseArchitecture(name)).toBe(expected);
  });

  it('rejects anything else, listing what it accepts', () => {
    expect(() => parseArchitecture('x64')).toThrow(
      'Unknown architecture "x64": use one of x86_64, amd64, arm64',
    );
  });
});

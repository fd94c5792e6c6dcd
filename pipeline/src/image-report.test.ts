import { describe, expect, it } from 'vitest';
import { IMAGE_GROWTH_WARNING_BYTES, imageFigures, imageVerdict, renderImageReport } from './image-report.ts';
import type { SmokeResult } from './smoke-result.ts';

const MIB = 1024 * 1024;
const passed: SmokeResult = {
  ok: true,
  url: 'http://127.0.0.1:9000/2015-03-31/functions/function/invocations',
  attempts: 3,
  elapsedMs: 2_400,
  statusCode: 200,
  detail: '12 months, 4100 kWh a year, model m1',
};

describe('imageFigures', () => {
  it.each([
    {
      name: 'no base: no delta',
      headBytes: 500 * MIB,
      baseBytes: null,
      delta: null,
      percent: null,
      warning: false,
    },
    {
      name: 'a small growth',
      headBytes: 501 * MIB,
      baseBytes: 500 * MIB,
      delta: MIB,
      percent: 0.2,
      warning: false,
    },
    {
      name: 'exactly the threshold: no warning',
      headBytes: 500 * MIB + IMAGE_GROWTH_WARNING_BYTES,
      baseBytes: 500 * MIB,
      delta: IMAGE_GROWTH_WARNING_BYTES,
      percent: 2,
      warning: false,
    },
    {
      name: 'past the threshold: a warning',
      headBytes: 790 * MIB,
      baseBytes: 500 * MIB,
      delta: 290 * MIB,
      percent: 58,
      warning: true,
    },
    {
      name: 'a shrink',
      headBytes: 450 * MIB,
      baseBytes: 500 * MIB,
      delta: -50 * MIB,
      percent: -10,
      warning: false,
    },
  ])('$name', ({ headBytes, baseBytes, delta, percent, warning }) => {
    const figures = imageFigures({ headBytes, baseBytes });

    expect(figures.deltaBytes).toBe(delta);
    expect(figures.deltaPercent === null ? null : Number(figures.deltaPercent.toFixed(1))).toBe(percent);
    expect(figures.warning).toBe(warning);
  });
});

describe('renderImageReport', () => {
  it('shows both sizes, the signed change and the smoke test', () => {
    const markdown = renderImageReport({ headBytes: 520 * MIB, baseBytes: 500 * MIB, smoke: passed });

    expect(markdown).toContain('| this pull request | 520.0 MiB |');
    expect(markdown).toContain('| base branch | 500.0 MiB |');
    expect(markdown).toContain('| change | +20.0 MiB (+4.0 %) |');
    expect(markdown).toContain('⚠️ **The image grew by more than 10.0 MiB**');
    expect(markdown).toContain(
      '✅ **Smoke test**: the Runtime Interface Emulator answered a Function URL event for POST /predict with 200: 12 months, 4100 kWh a year, model m1 (2.4 s, 3 attempts).',
    );
    expect(imageVerdict({ headBytes: 520 * MIB, baseBytes: 500 * MIB, smoke: passed })).toBe('warn');
  });

  it('says when there is no base and the smoke test failed', () => {
    const failed = { ...passed, ok: false, statusCode: 500, detail: 'POST /predict answered 500: {}' };
    const input = { headBytes: 520 * MIB, baseBytes: null, smoke: failed };

    const markdown = renderImageReport(input);

    expect(markdown).toContain('No base image to compare with');
    expect(markdown).toContain('❌ **Smoke test failed**: POST /predict answered 500: {}.');
    expect(imageVerdict(input)).toBe('fail');
  });

  it('says the smoke test did not run', () => {
    const input = { headBytes: 500 * MIB, baseBytes: 500 * MIB, smoke: null };

    expect(renderImageReport(input)).toContain('**Smoke test** did not run.');
    expect(renderImageReport(input)).toContain('| change | 0.0 MiB (0.0 %) |');
    expect(imageVerdict(input)).toBe('warn');
  });
});

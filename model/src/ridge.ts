import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/**
 * Multi-output ridge regression by its normal equations, (XᵀX + λI) W = XᵀY, accumulated row by row so a
 * training set never has to sit in one dense matrix; solved by Cholesky (ml-matrix). Deterministic: the same rows
 * in the same order give bit-identical weights.
 */
export class RidgeAccumulator {
  readonly #inputs: number;
  readonly #outputs: number;
  readonly #gram: Float64Array;
  readonly #moment: Float64Array;
  readonly #nonZero: Int32Array;
  #rows = 0;

  constructor(inputs: number, outputs: number) {
    this.#inputs = inputs;
    this.#outputs = outputs;
    this.#gram = new Float64Array(inputs * inputs);
    this.#moment = new Float64Array(inputs * outputs);
    this.#nonZero = new Int32Array(inputs);
  }

  get rows(): number {
    return this.#rows;
  }

  add(features: ArrayLike<number>, targets: ArrayLike<number>): void {
    // One-hot crosses leave most features 0; skipping them makes accumulation ~4× faster.
    let count = 0;
    for (let i = 0; i < this.#inputs; i++) if (features[i] !== 0) this.#nonZero[count++] = i;
    for (let a = 0; a < count; a++) {
      const i = this.#nonZero[a] as number;
      const fi = features[i] as number;
      for (let b = a; b < count; b++) {
        const j = this.#nonZero[b] as number;
        this.#gram[i * this.#inputs + j] =
          (this.#gram[i * this.#inputs + j] as number) + fi * (features[j] as number);
      }
      for (let m = 0; m < this.#outputs; m++) {
        const at = i * this.#outputs + m;
        this.#moment[at] = (this.#moment[at] as number) + fi * (targets[m] as number);
      }
    }
    this.#rows += 1;
  }

  /** Weights as an inputs × outputs matrix; penalty is one λ for all inputs or one per input. */
  solve(penalty: number | readonly number[], what: string): Matrix {
    const n = this.#inputs;
    const lhs = new Matrix(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const value = (this.#gram[i * n + j] as number) + (i === j ? penaltyOf(penalty, i) : 0);
        lhs.set(i, j, value);
        lhs.set(j, i, value);
      }
    }
    const rhs = new Matrix(n, this.#outputs);
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < this.#outputs; m++) rhs.set(i, m, this.#moment[i * this.#outputs + m] as number);
    }
    const cholesky = new CholeskyDecomposition(lhs);
    if (!cholesky.isPositiveDefinite()) {
      throw new Error(`ridge system for ${what} is not positive definite; raise the ridge penalty`);
    }
    return cholesky.solve(rhs);
  }
}

function penaltyOf(penalty: number | readonly number[], input: number): number {
  return typeof penalty === 'number' ? penalty : (penalty[input] ?? 0);
}

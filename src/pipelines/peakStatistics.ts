// The statistics of a peak scan y(x) as bluesky's PeakStats computes them: extremes and where they are, the
// centre of mass (in index space, mapped onto x by linear interpolation), the half-maximum crossings (linear
// interpolation between the two samples around mid = (max + min) / 2), their mean `cen` and `fwhm`, the
// distance between the first and the last crossing. `centroid` adds the y-weighted mean of x.

export interface PeakStatistics {
  n: number;
  min: number | null;
  min_x: number | null;
  max: number | null;
  max_x: number | null;
  com: number | null;
  cen: number | null;
  fwhm: number | null;
  centroid: number | null;
  crossings: number;
}

/** Σ values with Neumaier's compensation: as close to the exact sum as numpy's pairwise sum, or closer. */
class CompensatedSum {
  private sum = 0;
  private carry = 0;
  add(value: number): void {
    const next = this.sum + value;
    this.carry += Math.abs(this.sum) >= Math.abs(value) ? this.sum - next + value : value - next + this.sum;
    this.sum = next;
  }
  get value(): number {
    return this.sum + this.carry;
  }
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** x[index] for a fractional index, linear between neighbours and clamped at the ends (numpy's interp). */
function atIndex(x: ArrayLike<number>, index: number): number {
  if (!(index > 0)) return x[0];
  const last = x.length - 1;
  if (index >= last) return x[last];
  const below = Math.floor(index);
  return (x[below + 1] - x[below]) * (index - below) + x[below];
}

/** Statistics of the first `n` samples of x and y. */
export function peakStatistics(x: ArrayLike<number>, y: ArrayLike<number>, n = x.length): PeakStatistics {
  if (n === 0)
    return {
      n,
      min: null,
      min_x: null,
      max: null,
      max_x: null,
      com: null,
      cen: null,
      fwhm: null,
      centroid: null,
      crossings: 0,
    };
  let lo = 0;
  let hi = 0;
  const weight = new CompensatedSum();
  const moment = new CompensatedSum();
  const xMoment = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    if (y[i] < y[lo]) lo = i;
    if (y[i] > y[hi]) hi = i;
    weight.add(y[i]);
    moment.add(i * y[i]);
    xMoment.add(x[i] * y[i]);
  }
  const mid = (y[hi] + y[lo]) / 2;
  const crossings: number[] = [];
  for (let i = 0; i + 1 < n; i++) {
    if (y[i] > mid === y[i + 1] > mid) continue;
    const below = y[i] - mid;
    const slope = (y[i + 1] - mid - below) / (x[i + 1] - x[i]);
    crossings.push(-below / slope + x[i]);
  }
  const crossingSum = new CompensatedSum();
  for (const crossing of crossings) crossingSum.add(crossing);
  const total = weight.value;
  return {
    n,
    min: y[lo],
    min_x: x[lo],
    max: y[hi],
    max_x: x[hi],
    com: total === 0 ? null : finiteOrNull(atIndex(x, moment.value / total)),
    cen: crossings.length === 0 ? null : finiteOrNull(crossingSum.value / crossings.length),
    fwhm:
      crossings.length < 2 ? null : finiteOrNull(Math.abs(crossings[crossings.length - 1] - crossings[0])),
    centroid: total === 0 ? null : finiteOrNull(xMoment.value / total),
    crossings: crossings.length,
  };
}

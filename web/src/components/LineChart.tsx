// A line chart on a canvas (uPlot: a million points draw in tens of milliseconds, where an SVG element per
// point would not draw at all), sized to its container, with log scales and a legend.
import { useEffect, useMemo, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  values: ArrayLike<number | null>;
}

export interface ChartData {
  /** Ascending x values shared by every series. */
  x: ArrayLike<number>;
  series: Series[];
  xLabel: string;
  yLabel?: string;
  logX?: boolean;
  logY?: boolean;
  /** Whether x is seconds since the epoch (shown as dates and times). */
  xIsTime?: boolean;
}

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

/**
 * Tick labels with as many decimals as the tick spacing needs (a motor scanned over 0.004 mm reads 8.8235,
 * 8.8240, not 8.824 twice); exponents for very large or small magnitudes.
 */
function tickLabels(_chart: uPlot, splits: number[]): string[] {
  const step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) : 0;
  // The fewest decimals that write the spacing exactly (0.25 needs two, 0.0005 four).
  const exact = Number(step.toPrecision(10));
  let decimals = 0;
  while (decimals < 12 && Number(exact.toFixed(decimals)) !== exact) decimals++;
  return splits.map((value) => {
    const size = Math.abs(value);
    if (value !== 0 && (size >= 1e6 || size < 1e-4))
      return value.toExponential(Math.min(6, Math.max(1, decimals)));
    return value.toFixed(decimals);
  });
}

/** Values a log scale cannot place (zero, negative) become gaps rather than breaking the scale. */
function forLog(values: ArrayLike<number | null>): (number | null)[] {
  return Array.from(values, (v) => (v !== null && v > 0 ? v : null));
}

export function LineChart({ data, height = 420 }: { data: ChartData; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current!;
    const points = data.x.length;
    const options: uPlot.Options = {
      width: Math.max(300, element.clientWidth),
      height,
      scales: {
        x: { time: data.xIsTime === true, distr: data.logX ? 3 : 1 },
        y: { distr: data.logY ? 3 : 1 },
      },
      axes: [
        {
          label: data.xLabel,
          stroke: "currentColor",
          grid: { stroke: "rgba(128,128,128,0.25)" },
          ...(data.xIsTime || data.logX ? {} : { values: tickLabels }),
        },
        {
          label: data.yLabel,
          stroke: "currentColor",
          grid: { stroke: "rgba(128,128,128,0.25)" },
          size: 70,
          ...(data.logY ? {} : { values: tickLabels }),
        },
      ],
      series: [
        { label: data.xLabel },
        ...data.series.map((series, i) => ({
          label: series.label,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: true,
          points: { show: points <= 200 },
        })),
      ],
    };
    const x = data.logX ? forLog(data.x) : data.x;
    const columns = [x, ...data.series.map((s) => (data.logY ? forLog(s.values) : s.values))];
    const chart = new uPlot(options, columns as uPlot.AlignedData, element);
    // A User Timing mark once the frame with the chart is drawn (what bench/web.bench.ts reads).
    const frame = requestAnimationFrame(() => performance.mark("databroker:chart"));
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(300, element.clientWidth), height }),
    );
    resize.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      resize.disconnect();
      chart.destroy();
    };
  }, [data, height]);
  const shown = useMemo(
    () =>
      data.series.reduce((total, s) => {
        let n = 0;
        for (let i = 0; i < s.values.length; i++)
          if (s.values[i] !== null && Number.isFinite(s.values[i])) n++;
        return total + n;
      }, 0),
    [data],
  );
  return (
    <div class="chart" ref={box} data-testid="chart" data-points={shown} data-series={data.series.length} />
  );
}

// `peakstats`: bluesky's PeakStats over one stream of a scan (x and y fields). The derived run gets a stream
// `stats` with one event when the input stops: n, min/max and their x, com, cen, fwhm, centroid, crossings.
import type { DataKey, EventPage, RunStop } from "../../documents/types.ts";
import type { Processor } from "../Processor.ts";
import { type PeakStatistics, peakStatistics } from "../peakStatistics.ts";
import { numberAt, StreamReader } from "../StreamReader.ts";

const STATS_KEYS: Record<keyof PeakStatistics, DataKey> = {
  n: { dtype: "integer", shape: [], source: "databroker pipe peakstats: samples used" },
  min: { dtype: "number", shape: [], source: "databroker pipe peakstats: smallest y" },
  min_x: { dtype: "number", shape: [], source: "databroker pipe peakstats: x of the smallest y" },
  max: { dtype: "number", shape: [], source: "databroker pipe peakstats: largest y" },
  max_x: { dtype: "number", shape: [], source: "databroker pipe peakstats: x of the largest y" },
  com: { dtype: "number", shape: [], source: "databroker pipe peakstats: centre of mass (bluesky com)" },
  cen: {
    dtype: "number",
    shape: [],
    source: "databroker pipe peakstats: mean half-maximum crossing (bluesky cen)",
  },
  fwhm: { dtype: "number", shape: [], source: "databroker pipe peakstats: full width at half maximum" },
  centroid: { dtype: "number", shape: [], source: "databroker pipe peakstats: y-weighted mean of x" },
  crossings: { dtype: "integer", shape: [], source: "databroker pipe peakstats: half-maximum crossings" },
};

/** A Float64Array that doubles when full: a 100k-event scan costs a few copies, not 100k boxed numbers. */
class Samples {
  values = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }
}

export const peakstats: Processor = {
  name: "peakstats",
  version: "1",
  summary: "peak statistics of a scan, as bluesky's PeakStats: min, max, com, cen, fwhm (stream stats)",
  params: [
    { name: "x", help: "the scanned field (a motor)" },
    { name: "y", help: "the measured field (a detector)" },
    { name: "stream", help: "the input stream", default: "primary" },
  ],
  create(params, output) {
    const x = params.x as string;
    const y = params.y as string;
    const xs = new Samples();
    const ys = new Samples();
    return new (class extends StreamReader {
      protected rows(page: EventPage): void {
        // As PeakStats does, events without both fields are left out.
        const xColumn = page.data[x];
        const yColumn = page.data[y];
        if (xColumn === undefined || yColumn === undefined) return;
        for (let row = 0; row < xColumn.length; row++) {
          const xValue = xColumn[row];
          const yValue = yColumn[row];
          // The common case tested inline (a 100k-event scan); numberAt says what is wrong otherwise.
          if (typeof xValue === "number" && typeof yValue === "number") {
            xs.push(xValue);
            ys.push(yValue);
          } else {
            numberAt(page, x, row);
            numberAt(page, y, row);
          }
        }
      }
      protected override finish(doc: RunStop): void {
        output.stream("stats", STATS_KEYS);
        const stats = peakStatistics(xs.values, ys.values, xs.length);
        output.event("stats", { ...stats }, doc.time);
      }
    })(params.stream as string, [x, y]);
  },
};

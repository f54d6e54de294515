// databroker's own table-route parameters that reduce a table per bin: `resample=<seconds>` (a time grid) or
// `bin_by=<field>&bins=<n>` (repeated for a 2-D grid), with `agg=mean|sum|min|max|count|first|last`
// (default mean). A bad one is a 400 naming it and its rule.
import { AGGREGATES, type Aggregate, type BinAxis, isAggregate } from "../muxing/bin.ts";
import { BadRequestError } from "./errors.ts";

export interface BinRequest {
  axes: BinAxis[];
  agg: Aggregate;
}

export function binOf(params: URLSearchParams): BinRequest | undefined {
  const resample = params.get("resample");
  const fields = params.getAll("bin_by");
  const counts = params.getAll("bins");
  const agg = params.get("agg");
  if (resample === null && fields.length === 0) {
    if (counts.length > 0) throw new BadRequestError("bins needs bin_by=<field>");
    if (agg !== null) throw new BadRequestError("agg needs resample=<seconds> or bin_by=<field>");
    return undefined;
  }
  if (agg !== null && !isAggregate(agg))
    throw new BadRequestError(`agg must be one of ${AGGREGATES.join(", ")}, got ${JSON.stringify(agg)}`);
  const chosen = (agg ?? "mean") as Aggregate;
  if (resample !== null) {
    if (fields.length > 0) throw new BadRequestError("send resample or bin_by, not both");
    const every = resample.trim() === "" ? Number.NaN : Number(resample.trim().replace(/s$/i, ""));
    if (!(Number.isFinite(every) && every > 0))
      throw new BadRequestError(
        `resample must be a number of seconds above 0, got ${JSON.stringify(resample)}`,
      );
    return { axes: [{ field: "time", every }], agg: chosen };
  }
  if (fields.length > 2) throw new BadRequestError("bin_by at most twice (a 2-D grid)");
  if (counts.length !== fields.length)
    throw new BadRequestError(`send one bins per bin_by (${fields.length} bin_by, ${counts.length} bins)`);
  const axes = fields.map((field, i) => {
    const bins = Number(counts[i]);
    if (!(Number.isInteger(bins) && bins >= 1 && bins <= 1_000_000))
      throw new BadRequestError(
        `bins must be a whole number from 1 to 1000000, got ${JSON.stringify(counts[i])}`,
      );
    return { field, bins };
  });
  return { axes, agg: chosen };
}

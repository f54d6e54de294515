// databroker's own table-route parameters that align another stream of the same run onto a stream's data:
// `align=<stream>` (required by the others), `method=previous|next|nearest|linear` (default previous),
// `tolerance=<seconds>` and `prefix=<name>` (default: the other stream's name). A bad one is a 400 naming it.

import { ALIGN_METHODS, type AlignMethod, isAlignMethod } from "../muxing/align.ts";
import { BadRequestError } from "./errors.ts";

export interface AlignRequest {
  stream: string;
  method: AlignMethod;
  tolerance?: number;
  prefix?: string;
}

const DEPENDENT = ["method", "tolerance", "prefix"] as const;

export function alignOf(params: URLSearchParams): AlignRequest | undefined {
  const stream = params.get("align");
  if (stream === null) {
    const stray = DEPENDENT.find((name) => params.has(name));
    if (stray) throw new BadRequestError(`${stray} needs align=<stream>`);
    return undefined;
  }
  if (stream === "" || stream.includes("/"))
    throw new BadRequestError(`align must name a stream of the same run, got ${JSON.stringify(stream)}`);
  const method = params.get("method") ?? "previous";
  if (!isAlignMethod(method))
    throw new BadRequestError(
      `method must be one of ${ALIGN_METHODS.join(", ")}, got ${JSON.stringify(method)}`,
    );
  const request: AlignRequest = { stream, method };
  const tolerance = params.get("tolerance");
  if (tolerance !== null) {
    const value = tolerance.trim() === "" ? Number.NaN : Number(tolerance);
    if (!Number.isFinite(value) || value < 0)
      throw new BadRequestError(
        `tolerance must be a number of seconds, 0 or more, got ${JSON.stringify(tolerance)}`,
      );
    request.tolerance = value;
  }
  const prefix = params.get("prefix");
  if (prefix !== null) {
    if (prefix === "") throw new BadRequestError("prefix must not be empty");
    request.prefix = prefix;
  }
  return request;
}

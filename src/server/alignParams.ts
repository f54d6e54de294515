// databroker's own table-route parameters that align another stream of the same run onto a stream's data:
// `align=<stream>` (required by the others), `method=previous|next|nearest|linear` (default previous; or
// per field: `nearest,temperature=linear`),
// `tolerance=<seconds>` and `prefix=<name>` (default: the other stream's name). A bad one is a 400 naming it.

import { type AlignMethod, parseMethods } from "../muxing/align.ts";
import { BadRequestError } from "./errors.ts";

export interface AlignRequest {
  stream: string;
  method: AlignMethod;
  methods: Record<string, AlignMethod>;
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
  let parsed: ReturnType<typeof parseMethods> = {};
  try {
    parsed = parseMethods(params.get("method") ?? "previous");
  } catch (error) {
    throw new BadRequestError((error as Error).message);
  }
  const request: AlignRequest = {
    stream,
    method: parsed.method ?? "previous",
    methods: parsed.methods ?? {},
  };
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

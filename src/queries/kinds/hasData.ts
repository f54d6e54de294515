// The hasData kind: the run has a stream, or a stream with a field declared (search into data):
// `has primary`, `has primary.img`. An empty stream counts: its descriptor declares it.
import { dataPath, nameProblem } from "../dataKey.ts";
import type { MemoryTranslation } from "../memoryMatch.ts";
import type { QueryKind } from "./QueryKind.ts";

export interface HasData {
  op: "hasData";
  stream: string;
  field?: string;
}

export const hasDataQuery = (stream: string, field?: string): HasData =>
  field === undefined ? { op: "hasData", stream } : { op: "hasData", stream, field };

const name = { check: nameProblem };

export const hasDataKind: QueryKind<HasData> = {
  op: "hasData",
  fields: { stream: name, field: { ...name, optional: true } },
  format: (query) => `has ${dataPath(query.stream, query.field)}`,
  tiled: {
    name: "hasdata",
    encode: (query) => ({
      stream: query.stream,
      ...(query.field === undefined ? {} : { field: query.field }),
    }),
    decode: (reader) => hasDataQuery(reader.raw("stream") ?? "", reader.raw("field", true)),
  },
};

export const matchHasData: MemoryTranslation<HasData> = (query) => (run) => {
  const stream = run.streams?.[query.stream];
  return !!stream && (query.field === undefined || query.field in stream.fields);
};

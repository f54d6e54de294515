// stream_datum.json: a StreamDatum, the slice of a StreamResource that fills a range of events. `indices` and
// `seq_nums` are `{start, stop}` integer ranges; extra keys are allowed everywhere.
import { checkField, checkNestedField } from "./fields.ts";
import { reportType, type Sink } from "./findings.ts";
import { isInteger, isObject, isString } from "./predicates.ts";

/** `$defs/StreamRange`: a half-open `[start, stop)` of integers. */
function checkStreamRange(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object {start, stop}");
  const ok = checkField(value.start, "required", isInteger, "an integer", path, "start", sink);
  return checkField(value.stop, "required", isInteger, "an integer", path, "stop", sink) && ok;
}

export function checkStreamDatum(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkField(doc.uid, "required", isString, "a string", path, "uid", sink);
  ok = checkField(doc.stream_resource, "required", isString, "a string", path, "stream_resource", sink) && ok;
  ok = checkField(doc.descriptor, "required", isString, "a string", path, "descriptor", sink) && ok;
  ok = checkNestedField(doc.indices, "required", checkStreamRange, path, "indices", sink) && ok;
  return checkNestedField(doc.seq_nums, "required", checkStreamRange, path, "seq_nums", sink) && ok;
}

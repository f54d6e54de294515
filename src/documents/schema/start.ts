// run_start.json: the RunStart document. Known fields are typed; any other metadata is free, but every key at
// every depth of nested objects obeys the safe-key rule (hints also, and `data_type` is nothing more than it).
import {
  type Check,
  checkArrayField,
  checkArrayOf,
  checkConstField,
  checkField,
  checkItems,
  checkMapField,
  checkMapOf,
  checkNestedField,
  isAnyValue,
} from "./fields.ts";
import { itemPath, reportType, type Sink } from "./findings.ts";
import { isInteger, isNumber, isObject, isPresent, isString } from "./predicates.ts";
import { checkSafeKeys } from "./safeKeys.ts";

function isObjectOrString(value: unknown): boolean {
  return typeof value === "string" || isObject(value);
}

/** One entry of `hints.dimensions[i]`: a field name or a list of field names (`[["motor"], "primary"]`). */
function checkDimensionPart(value: unknown, path: string, sink: Sink): boolean {
  if (typeof value === "string") return true;
  if (Array.isArray(value)) return checkItems(value, isString, "a string", path, sink);
  return reportType(sink, path, value, "a string or an array of strings");
}

function checkDimension(value: unknown, path: string, sink: Sink): boolean {
  if (!Array.isArray(value)) return reportType(sink, path, value, "an array");
  let ok = true;
  for (let i = 0; i < value.length; i++) {
    if (checkDimensionPart(value[i], itemPath(sink, path, i), sink)) continue;
    if (sink === null) return false;
    ok = false;
  }
  return ok;
}

function checkHints(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  return checkArrayOf(value.dimensions, "optional", checkDimension, path, "dimensions", sink);
}

function checkCalculation(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  let ok = checkField(value.callable, "required", isString, "a string", path, "callable", sink);
  ok = checkArrayField(value.args, "optional", isAnyValue, "", path, "args", sink) && ok;
  return checkMapField(value.kwargs, "optional", isAnyValue, "", path, "kwargs", sink) && ok;
}

/** Fields shared by the projections that point into a stream: `field`, `stream`, `location`, `type`. */
function checkStreamProjection(
  value: Record<string, unknown>,
  location: string,
  type: string,
  path: string,
  sink: Sink,
): boolean {
  let ok = checkField(value.field, "required", isString, "a string", path, "field", sink);
  ok = checkField(value.stream, "required", isString, "a string", path, "stream", sink) && ok;
  ok = checkConstField(value.location, "required", location, path, "location", sink) && ok;
  return checkConstField(value.type, "required", type, path, "type", sink) && ok;
}

function checkConfigurationProjection(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  let ok = checkStreamProjection(value, "configuration", "linked", path, sink);
  ok = checkField(value.config_device, "required", isString, "a string", path, "config_device", sink) && ok;
  return (
    checkField(value.config_index, "required", isInteger, "an integer", path, "config_index", sink) && ok
  );
}

function checkLinkedEventProjection(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  return checkStreamProjection(value, "event", "linked", path, sink);
}

function checkCalculatedEventProjection(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  const ok = checkStreamProjection(value, "event", "calculated", path, sink);
  return checkNestedField(value.calculation, "required", checkCalculation, path, "calculation", sink) && ok;
}

function checkStaticProjection(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  const ok = checkConstField(value.type, "required", "static", path, "type", sink);
  return checkField(value.value, "required", isPresent, "any value", path, "value", sink) && ok;
}

const PROJECTION_KINDS: readonly Check[] = [
  checkConfigurationProjection,
  checkLinkedEventProjection,
  checkCalculatedEventProjection,
  checkStaticProjection,
];

/** The kind an invalid entry most resembles, so its findings explain the nearest miss (anyOf has no winner). */
function likelyProjectionKind(value: Record<string, unknown>): Check {
  if (value.type === "static") return checkStaticProjection;
  if (value.type === "calculated") return checkCalculatedEventProjection;
  if (value.location === "configuration") return checkConfigurationProjection;
  return checkLinkedEventProjection;
}

/** `projection` values: anyOf configuration, linked, calculated or static projection. */
function checkProjectionEntry(value: unknown, path: string, sink: Sink): boolean {
  for (const kind of PROJECTION_KINDS) if (kind(value, path, null)) return true;
  if (!isObject(value)) return reportType(sink, path, value, "a projection object");
  return likelyProjectionKind(value)(value, path, sink);
}

function checkProjections(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  let ok = checkMapField(value.configuration, "required", isAnyValue, "", path, "configuration", sink);
  ok = checkMapOf(value.projection, "required", checkProjectionEntry, path, "projection", sink) && ok;
  ok = checkField(value.version, "required", isString, "a string", path, "version", sink) && ok;
  return checkField(value.name, "optional", isString, "a string", path, "name", sink) && ok;
}

export function checkStart(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkSafeKeys(doc, "deep", path, sink);
  ok = checkField(doc.uid, "required", isString, "a string", path, "uid", sink) && ok;
  ok = checkField(doc.time, "required", isNumber, "a number", path, "time", sink) && ok;
  ok = checkField(doc.scan_id, "optional", isInteger, "an integer", path, "scan_id", sink) && ok;
  ok = checkField(doc.group, "optional", isString, "a string", path, "group", sink) && ok;
  ok = checkField(doc.owner, "optional", isString, "a string", path, "owner", sink) && ok;
  ok = checkField(doc.project, "optional", isString, "a string", path, "project", sink) && ok;
  ok = checkField(doc.data_session, "optional", isString, "a string", path, "data_session", sink) && ok;
  ok = checkArrayField(doc.data_groups, "optional", isString, "a string", path, "data_groups", sink) && ok;
  ok =
    checkField(doc.sample, "optional", isObjectOrString, "an object or a string", path, "sample", sink) && ok;
  ok = checkArrayOf(doc.projections, "optional", checkProjections, path, "projections", sink) && ok;
  return checkNestedField(doc.hints, "optional", checkHints, path, "hints", sink) && ok;
}

// event_descriptor.json: the EventDescriptor document. Known fields are typed, other top-level keys are free,
// and (as in start) every key at every depth of nested objects obeys the safe-key rule.

import { checkDataKey } from "./dataKey.ts";
import {
  checkArrayField,
  checkField,
  checkMapField,
  checkMapOf,
  checkNestedField,
  checkPatternField,
  isAnyValue,
} from "./fields.ts";
import { reportType, type Sink } from "./findings.ts";
import { isNexusClass, isNumber, isObject, isString } from "./predicates.ts";
import { checkSafeKeys } from "./safeKeys.ts";

const NEXUS_CLASS = {
  source: "^NX[A-Za-z_]+$",
  meaning: 'name a NeXus class such as "NXdetector"',
  test: isNexusClass,
};

/** `$defs/Configuration`: one device's configuration readings and their data keys; extra keys allowed. */
function checkConfiguration(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  let ok = checkMapField(value.data, "optional", isAnyValue, "", path, "data", sink);
  ok = checkMapField(value.timestamps, "optional", isAnyValue, "", path, "timestamps", sink) && ok;
  return checkMapOf(value.data_keys, "optional", checkDataKey, path, "data_keys", sink) && ok;
}

/** `hints` as the schema types it (`$defs/PerObjectHint`): optional `fields` and `NX_class`, extra keys allowed. */
function checkHints(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  const ok = checkArrayField(value.fields, "optional", isString, "a string", path, "fields", sink);
  return checkPatternField(value.NX_class, "optional", NEXUS_CLASS, path, "NX_class", sink) && ok;
}

export function checkDescriptor(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkSafeKeys(doc, "deep", path, sink);
  ok = checkField(doc.uid, "required", isString, "a string", path, "uid", sink) && ok;
  ok = checkField(doc.time, "required", isNumber, "a number", path, "time", sink) && ok;
  ok = checkField(doc.run_start, "required", isString, "a string", path, "run_start", sink) && ok;
  ok = checkMapOf(doc.data_keys, "required", checkDataKey, path, "data_keys", sink) && ok;
  ok = checkField(doc.name, "optional", isString, "a string", path, "name", sink) && ok;
  ok = checkMapOf(doc.configuration, "optional", checkConfiguration, path, "configuration", sink) && ok;
  ok = checkMapField(doc.object_keys, "optional", isAnyValue, "", path, "object_keys", sink) && ok;
  ok =
    checkMapField(doc.object_classes, "optional", isString, "a string", path, "object_classes", sink) && ok;
  return checkNestedField(doc.hints, "optional", checkHints, path, "hints", sink) && ok;
}

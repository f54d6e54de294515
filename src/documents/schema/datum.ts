// datum.json, datum_page.json and the deprecated bulk_datum.json: references to pieces of a Resource. Each
// allows only its own three fields.
import {
  checkArrayField,
  checkColumnsField,
  checkField,
  checkKnownKeys,
  checkMapField,
  isAnyValue,
} from "./fields.ts";
import { reportType, type Sink } from "./findings.ts";
import { isObject, isString } from "./predicates.ts";

function isDatumKey(key: string): boolean {
  return key === "datum_id" || key === "resource" || key === "datum_kwargs";
}

function isBulkDatumKey(key: string): boolean {
  return key === "datum_ids" || key === "resource" || key === "datum_kwarg_list";
}

export function checkDatum(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkField(doc.datum_id, "required", isString, "a string", path, "datum_id", sink);
  ok = checkField(doc.resource, "required", isString, "a string", path, "resource", sink) && ok;
  ok = checkMapField(doc.datum_kwargs, "required", isAnyValue, "", path, "datum_kwargs", sink) && ok;
  return checkKnownKeys(doc, isDatumKey, path, sink) && ok;
}

export function checkDatumPage(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkArrayField(doc.datum_id, "required", isString, "a string", path, "datum_id", sink);
  ok = checkField(doc.resource, "required", isString, "a string", path, "resource", sink) && ok;
  ok = checkColumnsField(doc.datum_kwargs, "required", isAnyValue, "", path, "datum_kwargs", sink) && ok;
  return checkKnownKeys(doc, isDatumKey, path, sink) && ok;
}

export function checkBulkDatum(doc: unknown, path: string, sink: Sink): boolean {
  if (!isObject(doc)) return reportType(sink, path, doc, "an object");
  let ok = checkArrayField(doc.datum_ids, "required", isString, "a string", path, "datum_ids", sink);
  ok = checkField(doc.resource, "required", isString, "a string", path, "resource", sink) && ok;
  ok =
    checkArrayField(
      doc.datum_kwarg_list,
      "required",
      isObject,
      "an object",
      path,
      "datum_kwarg_list",
      sink,
    ) && ok;
  return checkKnownKeys(doc, isBulkDatumKey, path, sink) && ok;
}

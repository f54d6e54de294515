// event_descriptor.json `$defs/DataKey`: how one field of the events looks (dtype, shape, source, external,
// dtype_numpy, limits, ...). Extra keys are allowed in a data key; `limits` and its ranges allow none.
import {
  checkArrayField,
  checkEnumField,
  checkField,
  checkItems,
  checkKnownKeys,
  checkNestedField,
  checkPattern,
  checkPatternField,
  type StringPattern,
} from "./fields.ts";
import { itemPath, reportItemCount, reportType, type Sink } from "./findings.ts";
import {
  containsNumpyDtype,
  isExternalTag,
  isIntegerOrNull,
  isNumber,
  isNumberOrNull,
  isObject,
  isString,
  isStringOrNull,
} from "./predicates.ts";

export const DTYPES = ["string", "number", "array", "boolean", "integer"] as const;

const EXTERNAL: StringPattern = {
  source: "^[A-Z]+:?",
  meaning: 'start with an upper-case letter, like "FILESTORE:" or "STREAM:"',
  test: isExternalTag,
};

const NUMPY_DTYPE: StringPattern = {
  source: "[|<>][tbiufcmMOSUV][0-9]+",
  meaning: 'contain a numpy dtype such as "<f8" or "|u1"',
  test: containsNumpyDtype,
};

/** One `[name, dtype]` pair of a structured dtype_numpy. */
function checkStructuredField(value: unknown, path: string, sink: Sink): boolean {
  if (!Array.isArray(value)) return reportType(sink, path, value, "an array [name, dtype]");
  let ok = value.length === 2 || reportItemCount(sink, path, value.length, 2);
  // prefixItems judge only the items that are there; the count is the business of minItems/maxItems.
  if (value.length > 0 && typeof value[0] !== "string") {
    ok = reportType(sink, itemPath(sink, path, 0), value[0], "a string");
  }
  if (value.length > 1) ok = checkPattern(value[1], NUMPY_DTYPE, itemPath(sink, path, 1), sink) && ok;
  return ok;
}

/** `dtype_numpy`: anyOf a dtype string or a list of `[name, dtype]` pairs. */
function checkDtypeNumpy(value: unknown, path: string, sink: Sink): boolean {
  if (typeof value === "string") return checkPattern(value, NUMPY_DTYPE, path, sink);
  if (!Array.isArray(value)) return reportType(sink, path, value, "a numpy dtype string or a list of pairs");
  let ok = true;
  for (let i = 0; i < value.length; i++) {
    if (checkStructuredField(value[i], itemPath(sink, path, i), sink)) continue;
    if (sink === null) return false;
    ok = false;
  }
  return ok;
}

function isLimitsKey(key: string): boolean {
  switch (key) {
    case "alarm":
    case "control":
    case "display":
    case "warning":
    case "hysteresis":
    case "rds":
      return true;
    default:
      return false;
  }
}

function isRangeKey(key: string): boolean {
  return key === "low" || key === "high";
}

/** `LimitsRange | null`: `{low, high}`, both numbers or null, nothing else. */
function checkLimitsRange(value: unknown, path: string, sink: Sink): boolean {
  if (value === null) return true;
  if (!isObject(value)) return reportType(sink, path, value, "an object {low, high} or null");
  let ok = checkKnownKeys(value, isRangeKey, path, sink);
  ok = checkField(value.low, "required", isNumberOrNull, "a number or null", path, "low", sink) && ok;
  return checkField(value.high, "required", isNumberOrNull, "a number or null", path, "high", sink) && ok;
}

/** `RdsRange | null`: read-different-than-set parameters; extra keys allowed. */
function checkRdsRange(value: unknown, path: string, sink: Sink): boolean {
  if (value === null) return true;
  if (!isObject(value))
    return reportType(sink, path, value, "an object {time_difference, value_difference} or null");
  const ok = checkField(
    value.time_difference,
    "required",
    isNumber,
    "a number",
    path,
    "time_difference",
    sink,
  );
  return (
    checkField(value.value_difference, "required", isNumber, "a number", path, "value_difference", sink) && ok
  );
}

function checkLimits(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  let ok = checkKnownKeys(value, isLimitsKey, path, sink);
  ok = checkNestedField(value.control, "optional", checkLimitsRange, path, "control", sink) && ok;
  ok = checkNestedField(value.display, "optional", checkLimitsRange, path, "display", sink) && ok;
  ok = checkNestedField(value.warning, "optional", checkLimitsRange, path, "warning", sink) && ok;
  ok = checkNestedField(value.alarm, "optional", checkLimitsRange, path, "alarm", sink) && ok;
  ok =
    checkField(value.hysteresis, "optional", isNumberOrNull, "a number or null", path, "hysteresis", sink) &&
    ok;
  return checkNestedField(value.rds, "optional", checkRdsRange, path, "rds", sink) && ok;
}

/** `shape`: a list of integer lengths, null for an unknown or variable one; `[]` is a scalar. */
function checkShape(value: unknown, path: string, sink: Sink): boolean {
  if (!Array.isArray(value)) return reportType(sink, path, value, "an array");
  return checkItems(value, isIntegerOrNull, "an integer or null", path, sink);
}

export function checkDataKey(value: unknown, path: string, sink: Sink): boolean {
  if (!isObject(value)) return reportType(sink, path, value, "an object");
  let ok = checkEnumField(value.dtype, "required", DTYPES, path, "dtype", sink);
  ok = checkNestedField(value.shape, "required", checkShape, path, "shape", sink) && ok;
  ok = checkField(value.source, "required", isString, "a string", path, "source", sink) && ok;
  ok = checkPatternField(value.external, "optional", EXTERNAL, path, "external", sink) && ok;
  ok = checkArrayField(value.dims, "optional", isString, "a string", path, "dims", sink) && ok;
  ok = checkArrayField(value.choices, "optional", isString, "a string", path, "choices", sink) && ok;
  ok = checkField(value.units, "optional", isStringOrNull, "a string or null", path, "units", sink) && ok;
  ok =
    checkField(value.precision, "optional", isIntegerOrNull, "an integer or null", path, "precision", sink) &&
    ok;
  ok = checkField(value.object_name, "optional", isString, "a string", path, "object_name", sink) && ok;
  ok = checkNestedField(value.dtype_numpy, "optional", checkDtypeNumpy, path, "dtype_numpy", sink) && ok;
  return checkNestedField(value.limits, "optional", checkLimits, path, "limits", sink) && ok;
}

// The shape a provenance record must have (ProvenanceRecord.ts), as findings that name the field and the
// rule: `provenance.inputs[0].uid` `required`. Unknown fields are refused so the record stays the small,
// documented model readers and the redaction rely on.
import type { Finding } from "../errors.ts";
import { PROVENANCE_KEY } from "./ProvenanceRecord.ts";

const RECORD_FIELDS = new Set(["inputs", "software", "parameters", "created_by"]);
const INPUT_FIELDS = new Set(["uid", "stream", "seq"]);
const SOFTWARE_FIELDS = new Set(["name", "version", "vcs_url", "commit"]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isText = (value: unknown): value is string => typeof value === "string" && value !== "";

class FindingList {
  readonly findings: Finding[] = [];
  constructor(private readonly docIndex: number | undefined) {}

  add(path: string, rule: string, message: string): void {
    this.findings.push({ doc_index: this.docIndex, name: "start", path, rule, message });
  }

  /** Fields of `value` outside `known`, each refused. */
  unknownFields(value: Record<string, unknown>, known: ReadonlySet<string>, path: string): void {
    for (const name of Object.keys(value)) {
      if (!known.has(name))
        this.add(
          `${path}.${name}`,
          "unknown-field",
          `is not a field of a provenance record (${[...known].join(", ")})`,
        );
    }
  }

  optionalText(value: Record<string, unknown>, field: string, path: string): void {
    if (value[field] !== undefined && !isText(value[field]))
      this.add(`${path}.${field}`, "type", "must be a non-empty string when given");
  }
}

function checkInput(input: unknown, path: string, list: FindingList): void {
  if (!isObject(input)) {
    list.add(path, "type", "must be an object {uid, stream?, seq?}");
    return;
  }
  list.unknownFields(input, INPUT_FIELDS, path);
  if (input.uid === undefined) list.add(`${path}.uid`, "required", "names the input run by its start uid");
  else if (!isText(input.uid))
    list.add(`${path}.uid`, "type", "must be a non-empty string (a run's start uid)");
  list.optionalText(input, "stream", path);
  if (input.seq === undefined) return;
  const seq = input.seq;
  const isSeqNum = (n: unknown) => Number.isInteger(n) && (n as number) >= 1;
  if (!Array.isArray(seq) || seq.length !== 2 || !seq.every(isSeqNum))
    list.add(`${path}.seq`, "type", "must be [first, last], two seq_nums of 1 or more");
  else if (seq[0] > seq[1])
    list.add(`${path}.seq`, "range", `first (${seq[0]}) must not be past last (${seq[1]})`);
  // seq_nums count within one stream: a range without its stream names nothing.
  if (input.stream === undefined)
    list.add(`${path}.stream`, "required", "a seq range needs the stream its seq_nums count in");
}

function checkSoftware(entry: unknown, path: string, list: FindingList): void {
  if (!isObject(entry)) {
    list.add(path, "type", "must be an object {name, version?, vcs_url?, commit?}");
    return;
  }
  list.unknownFields(entry, SOFTWARE_FIELDS, path);
  if (!isText(entry.name))
    list.add(`${path}.name`, entry.name === undefined ? "required" : "type", "must be a non-empty string");
  for (const field of ["version", "vcs_url", "commit"]) list.optionalText(entry, field, path);
}

/**
 * What is wrong with the `provenance` value of a start document (none: the record is well formed).
 * `docIndex` places the findings in their batch.
 */
export function provenanceFindings(record: unknown, docIndex?: number): Finding[] {
  const list = new FindingList(docIndex);
  const path = PROVENANCE_KEY;
  if (!isObject(record)) {
    list.add(path, "type", "must be an object {inputs, software, parameters?, created_by?}");
    return list.findings;
  }
  list.unknownFields(record, RECORD_FIELDS, path);
  const { inputs, software } = record;
  if (!Array.isArray(inputs) || inputs.length === 0)
    list.add(
      `${path}.inputs`,
      inputs === undefined ? "required" : "type",
      "must be a non-empty list of input runs",
    );
  else for (const [index, input] of inputs.entries()) checkInput(input, `${path}.inputs[${index}]`, list);
  if (!Array.isArray(software) || software.length === 0)
    list.add(
      `${path}.software`,
      software === undefined ? "required" : "type",
      "must be a non-empty list of the software that made the run",
    );
  else
    for (const [index, entry] of software.entries()) checkSoftware(entry, `${path}.software[${index}]`, list);
  if (record.parameters !== undefined && !isObject(record.parameters))
    list.add(`${path}.parameters`, "type", "must be an object when given");
  list.optionalText(record, "created_by", path);
  return list.findings;
}

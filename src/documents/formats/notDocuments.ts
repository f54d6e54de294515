// Says why a file that gave no document is not event-model documents, in the words a user checks it by: a
// file that is valid JSON (a notes or settings file, a JSON Schema) is named for what it is, rather than by
// the reader's complaint about its first line ("invalid JSON" for pretty-printed JSON that is not JSON Lines).
import { readFile, stat } from "node:fs/promises";
import { UnreadableError } from "../../errors.ts";

/** Larger files are not parsed whole to describe them: the reader's own message is kept. */
const DESCRIBE_MAX_BYTES = 16 << 20;

/** Why `path`, whose read gave no document and failed with `error` (or ended empty, `error` undefined), is not documents. */
export async function whyNotDocuments(path: string, error?: Error): Promise<string> {
  const size = await stat(path).then(
    (stats) => (stats.isFile() ? stats.size : undefined),
    () => undefined,
  );
  if (size === 0) return "the file is empty";
  const json = size !== undefined && size <= DESCRIBE_MAX_BYTES ? await parsedJson(path) : undefined;
  const described = json === undefined ? undefined : describeJson(json.value);
  if (described !== undefined) return described;
  if (error === undefined) return "it holds no documents";
  // The reader's message without the file name it starts with (the caller names the file).
  return error instanceof UnreadableError ? error.message.slice(error.source.length + 2) : error.message;
}

/** Fatal: a file of invalid UTF-8 is not described as the JSON it would be once its bad bytes are replaced. */
const utf8 = new TextDecoder("utf-8", { fatal: true });

async function parsedJson(path: string): Promise<{ value: unknown } | undefined> {
  try {
    return { value: JSON.parse(utf8.decode(await readFile(path))) };
  } catch {
    return undefined;
  }
}

/** What a JSON value is, when that alone says why it is not documents; undefined to keep the reader's message. */
function describeJson(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0) return "an empty JSON array";
    if (value[0] !== null && typeof value[0] === "object") return undefined;
    // One [name, doc] pair on one line: JSON Lines, whose reader said what is wrong with it.
    if (value.length === 2 && typeof value[0] === "string" && typeof value[1] === "object") return undefined;
    return `a JSON array of ${kindOf(value[0])} values, not [name, doc] pairs or {"name", "doc"} objects`;
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 0) return "an empty JSON object";
    const shown = keys.slice(0, 5).map((key) => JSON.stringify(key));
    return `a JSON object without name/doc (keys ${shown.join(", ")}${keys.length > 5 ? ", ..." : ""})`;
  }
  return `a single JSON ${kindOf(value)} value`;
}

function kindOf(value: unknown): string {
  return value === null ? "null" : typeof value;
}

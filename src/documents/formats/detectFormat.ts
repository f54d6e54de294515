// Tells the document format of a file from its first bytes (never from its name) by asking each registered
// format in turn: the first to claim the bytes is theirs. Bytes that none claims are reported with the
// first complaint of a format they start like, or else as none of the formats known.
import { UnreadableError } from "../../errors.ts";
import type { DocumentFormat } from "./DocumentFormat.ts";
import { describeByte, firstMeaningfulByte } from "./jsonHead.ts";
import { documentFormats } from "./registry.ts";

/**
 * The format of a document file from its first bytes (a few kilobytes are plenty). Empty or blank input is
 * `jsonl` (a file of no documents). Throws UnreadableError naming `source` when the bytes are none of them.
 */
export function detectFormat(head: Uint8Array, source = "input"): DocumentFormat {
  let problem: { at: number; problem: string } | undefined;
  for (const format of documentFormats()) {
    const detection = format.detect(head);
    if (detection === true) return format.name;
    if (detection !== false) problem ??= detection;
  }
  if (problem !== undefined) throw new UnreadableError(source, `byte ${problem.at}`, problem.problem);
  const first = firstMeaningfulByte(head);
  const found = first < head.length ? describeByte(head[first]) : "nothing";
  throw new UnreadableError(
    source,
    `byte ${first}`,
    `not a document file (${knownLabels()}): starts with ${found}`,
  );
}

/** `JSON Lines, JSON array or msgpack`: what users call the known formats, each once. */
function knownLabels(): string {
  const labels = [...new Set(documentFormats().map((format) => format.label))];
  return labels.length === 1 ? labels[0] : `${labels.slice(0, -1).join(", ")} or ${labels.at(-1)}`;
}

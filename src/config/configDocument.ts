// A configuration file read as YAML with the line of every node, so each finding names file, line and key.
// A syntax error (or a key given twice) is a finding of its own, at its line.
import { readFileSync } from "node:fs";
import { LineCounter, type Node, parseDocument } from "yaml";
import type { ConfigProblem } from "./ConfigError.ts";

export interface ConfigDocument {
  file: string;
  /** The top node (undefined for an empty file), or undefined when the text is not YAML. */
  root?: Node | null;
  /** The 1-based line a node starts on. */
  lineOf(node: Node | null | undefined): number | undefined;
  problems: ConfigProblem[];
}

export function parseConfigText(file: string, text: string): ConfigDocument {
  const lines = new LineCounter();
  const parsed = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lines.linePos(node.range[0]).line : undefined;
  const problems = parsed.errors.map((error) => ({
    file,
    line: lines.linePos(error.pos[0]).line,
    key: "yaml",
    rule: error.message.split("\n")[0],
  }));
  return { file, root: problems.length > 0 ? undefined : parsed.contents, lineOf, problems };
}

/** Reads `file` (an unreadable file is one finding). */
export function readConfigDocument(file: string): ConfigDocument {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      file,
      lineOf: () => undefined,
      problems: [{ file, key: "file", rule: `cannot be read (${reason})` }],
    };
  }
  return parseConfigText(file, text);
}

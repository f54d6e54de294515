// Turns a block of events (eventBlock.ts) back into event documents equal to what JSON.parse gives: same
// keys in the same order, same values. Each layout gets a function built once whose object literals have
// the layout's keys, so every event of the layout is one allocation of one shared hidden class (about six
// times faster than adding keys one by one).
import type { DocumentPair, Event } from "../types.ts";
import type { BlockColumn, EventBlock } from "./eventBlock.ts";

/** Builds event `row` of a block from its descriptor and its columns, in the order of the layout. */
type RowBuilder = (descriptor: string, columns: BlockColumn[], row: number) => Event;

/** Layouts seen so far, by the source of their builder; cleared when full (a layout per key set). */
const builders = new Map<string, RowBuilder>();
const MAX_LAYOUTS = 256;

/** Appends the block's events, as `["event", doc]` pairs in order, to `into`. */
export function expandEventBlock(block: EventBlock, into: DocumentPair[]): void {
  const { build, columns } = layoutOf(block);
  const { descriptor, count } = block;
  for (let row = 0; row < count; row++) into.push(["event", build(descriptor, columns, row)]);
}

/** Event `row` of the block, as expandEventBlock builds it. */
export function blockEvent(block: EventBlock, row: number): Event {
  const { build, columns } = layoutOf(block);
  return build(block.descriptor, columns, row);
}

/** The builder of the block's layout, and the columns it reads, in the order of its cells. */
function layoutOf(block: EventBlock): { build: RowBuilder; columns: BlockColumn[] } {
  const columns: BlockColumn[] = [];
  const members: string[] = [];
  const cell = (column: BlockColumn) => `c[${columns.push(column) - 1}][i]`;
  for (const member of block.members) {
    // Keys are written as JSON strings, which are JavaScript string literals; "__proto__" never comes
    // here (blocks refuse it), as a literal would make it the prototype.
    const key = JSON.stringify(member.key);
    if ("column" in member) members.push(`${key}: ${cell(member.column)}`);
    else if ("fields" in member) {
      const fields = member.fields.map((field, f) => `${JSON.stringify(field)}: ${cell(member.columns[f])}`);
      members.push(`${key}: {${fields.join(", ")}}`);
    } else members.push(`${key}: d`);
  }
  return { build: rowBuilder(`return {${members.join(", ")}};`), columns };
}

function rowBuilder(body: string): RowBuilder {
  let build = builders.get(body);
  if (build === undefined) {
    if (builders.size >= MAX_LAYOUTS) builders.clear();
    build = new Function("d", "c", "i", body) as RowBuilder;
    builders.set(body, build);
  }
  return build;
}

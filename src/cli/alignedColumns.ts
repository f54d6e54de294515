// Plain-text tables of the commands that print them (ls, show, fields): cells padded to their column's widest.

/** Lines of cells with each column padded to its widest cell; `indent` before each line. */
export function aligned(rows: string[][], indent = ""): string[] {
  if (rows.length === 0) return [];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map(
    (row) =>
      indent +
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
  );
}

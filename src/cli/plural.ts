// Counts as people read them in a summary: `1 run`, `1,302 events`.
export function plural(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

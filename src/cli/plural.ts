// Counts as people read them in a summary: `1 run`, `1,302 events`.

/** `1302` as `1,302`. Not toLocaleString: its first call loads ICU's locale data, ~40 ms of every command. */
export function grouped(n: number): string {
  const [whole, fraction] = String(n).split(".");
  const digits = whole.replace(/\B(?=(\d{3})+$)/g, ",");
  return fraction === undefined ? digits : `${digits}.${fraction}`;
}

export function plural(n: number, noun: string): string {
  return `${grouped(n)} ${noun}${n === 1 ? "" : "s"}`;
}

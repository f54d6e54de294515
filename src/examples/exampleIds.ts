// Deterministic uids and numbers for the example runs: the same label always gives the same uid, so a
// second seeding of the same documents is skipped as identical instead of adding duplicate runs.
import { createHash } from "node:crypto";

/** A version-4-shaped uuid derived from `label` (not random: the examples must be reproducible). */
export function exampleUid(label: string): string {
  const hex = createHash("sha256").update(`databroker-example:${label}`).digest("hex");
  const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The uids of one example run: `uidOf("event/3")` is the same on every seeding. */
export function uidsOf(run: string): (label: string) => string {
  return (label) => exampleUid(`${run}/${label}`);
}

/** Seeded pseudo-random numbers in [0, 1): the examples' "noise" is the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** When the example runs took place (a fixed morning, so their documents never change). */
export const EXAMPLE_EPOCH = Date.UTC(2025, 2, 14, 9, 0, 0) / 1000;

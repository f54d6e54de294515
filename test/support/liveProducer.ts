// A producer as a beamline writes a run over HTTP: one document per POST (a few per request at most), paced,
// re-sending a request that failed (a server restarting) since a put skips what is already stored. Shared
// by the live and writer tests and the live and small-POST benchmarks.
import { composeRun } from "../../src/documents/compose.ts";
import { stringifyJson } from "../../src/documents/formats/jsonText.ts";
import type { DocumentPair } from "../../src/documents/types.ts";

/**
 * A run of `events` events of scalars `det` and `motor` (floats, never whole: JSON cannot tell 1.0 from 1), in
 * document order, stop last.
 */
export function liveRun(events: number, metadata: Record<string, unknown> = { plan_name: "live" }) {
  const run = composeRun(metadata);
  const stream = run.composeDescriptor({
    name: "primary",
    data_keys: {
      det: { dtype: "number", shape: [], source: "SIM:det" },
      motor: { dtype: "number", shape: [], source: "SIM:motor" },
    },
  });
  const documents: DocumentPair[] = [
    ["start", run.start],
    ["descriptor", stream.descriptor],
  ];
  for (let i = 0; i < events; i++) {
    const t = 1.7e9 + i * 0.01;
    documents.push([
      "event",
      stream.composeEvent({
        data: { det: Math.sin(i) + 0.5, motor: i + 0.25 },
        timestamps: { det: t, motor: t },
      }),
    ]);
  }
  documents.push(["stop", run.composeStop({ exit_status: "success" })]);
  return { uid: run.start.uid, documents };
}

/** POSTs `documents` in one request, again after a failure (a refused connection, a 5xx) for `retryForMs`. */
export async function postDocuments(
  api: string,
  apiKey: string,
  documents: DocumentPair[],
  retryForMs = 30_000,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      const response = await fetch(`${api}/documents/`, {
        method: "POST",
        headers: { authorization: `Apikey ${apiKey}`, "content-type": "application/json" },
        // Python's JSON, as bluesky sends it: NaN as NaN (JSON.stringify would send null).
        body: stringifyJson(documents),
      });
      const text = await response.text();
      if (response.ok) return;
      if (response.status < 500) throw new Error(`POST refused (${response.status}): ${text}`);
    } catch (error) {
      if ((error as Error).message.startsWith("POST refused") || Date.now() - started > retryForMs)
        throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Posts each document alone, at most `perSecond` a second, calling `acked(i)` when the i-th is stored; `pause`
 * (if given) is awaited before document i when it returns a promise.
 */
export async function produce(
  api: string,
  apiKey: string,
  documents: DocumentPair[],
  options: {
    perSecond?: number;
    acked?: (index: number) => void;
    before?: (index: number) => Promise<void> | undefined;
  } = {},
): Promise<void> {
  const interval = 1000 / (options.perSecond ?? 1000);
  const started = performance.now();
  for (let i = 0; i < documents.length; i++) {
    await options.before?.(i);
    const due = started + i * interval;
    const early = due - performance.now();
    if (early > 1) await new Promise((resolve) => setTimeout(resolve, early));
    await postDocuments(api, apiKey, [documents[i]]);
    options.acked?.(i);
  }
}

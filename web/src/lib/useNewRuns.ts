// Runs that start while a search is shown: GET /api/v1/stream/runs with the search's filters announces each
// new run the caller may see (`start`); the page counts them and offers to show them, rather than moving the
// rows under the reader's eyes. A dropped stream is opened again (runs started meanwhile go unannounced).
import { useEffect, useRef, useState } from "preact/hooks";
import { apiPath } from "./api.ts";
import { followEventStream } from "./eventStream.ts";
import { parsePythonJson } from "./pythonJson.ts";

export interface NewRuns {
  /** Whether the stream is subscribed (runs starting from now on are announced). */
  ready: boolean;
  /** New runs announced since the search was last shown. */
  count: number;
  /** Forgets the runs announced (they are now in the results). */
  clear(): void;
}

export function useNewRuns(filters: Array<[string, string]>, enabled: boolean): NewRuns {
  const key = JSON.stringify(filters);
  const seen = useRef(new Set<string>());
  const [count, setCount] = useState(0);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    seen.current = new Set();
    setCount(0);
    setReady(false);
    if (!enabled) return;
    const controller = new AbortController();
    followEventStream({
      path: () => apiPath(["stream", "runs"], filters),
      signal: controller.signal,
      onState: (state) => state !== "live" && setReady(false),
      onMessage(message) {
        if (message.event === "ready") setReady(true);
        if (message.event === "start") {
          seen.current.add((parsePythonJson(message.data) as { uid: string }).uid);
          setCount(seen.current.size);
        }
        return undefined;
      },
    }).catch(() => {
      // A search the server refuses is reported by the search itself; the notice just stays away.
      setReady(false);
    });
    return () => controller.abort();
  }, [key, enabled]);
  return {
    ready,
    count,
    clear() {
      seen.current = new Set();
      setCount(0);
    },
  };
}

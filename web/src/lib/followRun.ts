// Follows a run as it is acquired: GET /api/v1/stream/run/{uid}, each stored document handed on with its
// sequence number in the run. A dropped connection (or a `lagged` notice) is resumed after the last document
// received (`?after=`), so nothing is missed or seen twice; it ends with the run's `end` (after its stop).
import { apiPath } from "./api.ts";
import { followEventStream, type StreamState } from "./eventStream.ts";
import { parsePythonJson } from "./pythonJson.ts";
import type { Doc } from "./runs.ts";

export interface FollowOptions {
  /** Resume after this sequence number (0: from the start). */
  after: number;
  signal: AbortSignal;
  onDocument(seq: number, name: string, doc: Doc): void;
  onState(state: StreamState): void;
}

export function followRun(uid: string, options: FollowOptions): Promise<void> {
  let after = options.after;
  return followEventStream({
    path: () => apiPath(["stream", "run", uid], [["after", String(after)]]),
    signal: options.signal,
    onState: options.onState,
    onMessage(message) {
      if (message.event === "end") return "end";
      if (message.event === "lagged") return "reconnect";
      if (message.event !== "message") return undefined;
      const [name, doc] = parsePythonJson(message.data) as [string, Doc];
      after = Number(message.id);
      options.onDocument(after, name, doc);
      return undefined;
    },
  });
}

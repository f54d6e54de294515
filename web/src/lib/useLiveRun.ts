// A run without a stop followed live while it is shown: its events gathered as they are stored, the run
// re-read when something beyond events changes (a new stream's descriptor, the stop), and the state of the
// connection for the page to show. The stream closes when the run stops, the run view is left, or the
// browser tab is hidden; it resumes after the last document received when the tab is shown again.
import { useEffect, useRef, useState } from "preact/hooks";
import type { StreamState } from "./eventStream.ts";
import { followRun } from "./followRun.ts";
import { LiveEvents } from "./liveEvents.ts";
import type { LoadedRun } from "./runData.ts";

export type LiveStatus = "off" | StreamState | "finished" | "failed";

export interface LiveRun {
  status: LiveStatus;
  error?: Error;
  events: LiveEvents;
  /** Grows with each change of `events` (which changes in place). */
  version: number;
}

/** What is kept of one run's stream across reconnections. */
interface Following {
  uid: string | undefined;
  events: LiveEvents;
  /** The last document's sequence number. */
  after: number;
}

function useVisible(): boolean {
  const [visible, setVisible] = useState(document.visibilityState !== "hidden");
  useEffect(() => {
    const update = () => setVisible(document.visibilityState !== "hidden");
    document.addEventListener("visibilitychange", update);
    return () => document.removeEventListener("visibilitychange", update);
  }, []);
  return visible;
}

export function useLiveRun(run: LoadedRun | undefined, reload: () => void): LiveRun {
  const uid = run?.uid;
  const follow = run !== undefined && run.metadata.stop === null;
  const visible = useVisible();
  const [state, setState] = useState<{ uid?: string; status: LiveStatus; error?: Error }>({ status: "off" });
  const [version, setVersion] = useState(0);
  const following = useRef<Following>({ uid: undefined, events: new LiveEvents(), after: 0 });
  if (following.current.uid !== uid) following.current = { uid, events: new LiveEvents(), after: 0 };
  const current = useRef(run);
  current.current = run;

  useEffect(() => {
    if (!uid || !follow || !visible) return;
    const mine = following.current;
    const controller = new AbortController();
    const set = (status: LiveStatus, error?: Error) => setState({ uid, status, error });
    followRun(uid, {
      after: mine.after,
      signal: controller.signal,
      onDocument(seq, name, doc) {
        mine.after = seq;
        if (mine.events.add(name, doc) !== undefined) setVersion((n) => n + 1);
        if (name === "descriptor" && !current.current?.streams.some((s) => s.name === doc.name)) reload();
        if (name === "stop") {
          set("finished");
          reload();
        }
      },
      onState: (status) => set(status),
    }).then(
      () => controller.signal.aborted || set("finished"),
      (error: Error) => controller.signal.aborted || set("failed", error),
    );
    return () => controller.abort();
  }, [uid, follow, visible]);

  const mine = state.uid === uid;
  return {
    status: mine ? state.status : "off",
    error: mine ? state.error : undefined,
    events: following.current.events,
    version,
  };
}

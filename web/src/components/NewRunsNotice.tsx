// Watching a search for new runs: a switch (the stream is opened only when asked for: one open connection
// per watching page), and once runs started, a notice that shows them.
import type { NewRuns } from "../lib/useNewRuns.ts";
import { Toggle } from "./Toggle.tsx";

export function NewRunsNotice(props: {
  watching: boolean;
  newRuns: NewRuns;
  onToggle: () => void;
  onShow: () => void;
}) {
  const { count, ready } = props.newRuns;
  return (
    <span
      class="new-runs"
      data-testid="new-runs"
      data-ready={props.watching && ready ? "yes" : "no"}
      aria-live="polite"
    >
      <Toggle name="watch" label="Watch for new runs" checked={props.watching} onChange={props.onToggle} />
      {props.watching && count > 0 && (
        <button type="button" class="notice" onClick={props.onShow}>
          {count} new run{count === 1 ? "" : "s"} — show
        </button>
      )}
    </span>
  );
}

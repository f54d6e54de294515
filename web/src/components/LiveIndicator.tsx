// Whether a run shown is followed live: a run being acquired says "Live" while its stream is open, and
// "Run finished" once its stop arrived; nothing for a run that had stopped before it was opened.
import type { LiveStatus } from "../lib/useLiveRun.ts";

const LABELS: Partial<Record<LiveStatus, string>> = {
  connecting: "○ Connecting…",
  live: "● Live",
  reconnecting: "○ Reconnecting…",
  finished: "✓ Run finished",
};

export function LiveIndicator({ status }: { status: LiveStatus }) {
  const label = LABELS[status];
  if (!label) return null;
  return (
    <span class={`live live-${status}`} role="status" data-testid="live-status" data-status={status}>
      {label}
    </span>
  );
}

// The run at a glance: scan_id, plan, times, exit status, events per stream, its alias, and the runs it was
// derived from or that derive from it (provenance, as links).
import { apiPath, getJson } from "../lib/api.ts";
import { hrefOf } from "../lib/router.ts";
import type { LoadedRun } from "../lib/runData.ts";
import { formatDuration, formatTime, formatValue } from "../lib/runs.ts";
import { useAsync } from "../lib/useAsync.ts";
import type { LiveStatus } from "../lib/useLiveRun.ts";
import { LiveIndicator } from "./LiveIndicator.tsx";

interface ProvenanceAnswer {
  provenance: { inputs: Array<{ uid?: string; stream?: string; inaccessible?: boolean }> } | null;
  derived_from: Array<{ uid: string; scan_id: number | null; plan_name: string | null }>;
}

/** `beamline/proposal/beamtime/scan_id` when the start names all four. */
function aliasOf(start: Record<string, unknown>): string | undefined {
  const part = (name: string) => start[`${name}_id`] ?? start[name];
  const parts = [part("beamline"), part("proposal"), part("beamtime"), start.scan_id];
  return parts.every((p) => typeof p === "string" || typeof p === "number") ? parts.join("/") : undefined;
}

function Provenance({ uid }: { uid: string }) {
  const answer = useAsync(
    async (signal) => {
      const body = await getJson<ProvenanceAnswer | { data: ProvenanceAnswer }>(
        apiPath(["provenance", uid]),
        { signal },
      );
      return "data" in body ? body.data : body;
    },
    [uid],
  );
  const found = answer.data;
  if (!found || (!found.provenance && found.derived_from.length === 0)) return null;
  return (
    <>
      {found.provenance && (
        <>
          <dt>derived from</dt>
          <dd data-testid="inputs">
            {found.provenance.inputs.map((input, i) =>
              input.uid ? (
                <a key={input.uid} href={hrefOf(`/run/${input.uid}`)}>
                  {input.uid.slice(0, 8)}
                  {input.stream ? `/${input.stream}` : ""}{" "}
                </a>
              ) : (
                <span key={String(i)}>(a run you may not read) </span>
              ),
            )}
          </dd>
        </>
      )}
      {found.derived_from.length > 0 && (
        <>
          <dt>derived runs</dt>
          <dd data-testid="outputs">
            {found.derived_from.map((run) => (
              <a key={run.uid} href={hrefOf(`/run/${run.uid}`)}>
                {run.scan_id ?? run.uid.slice(0, 8)} {run.plan_name ?? ""}{" "}
              </a>
            ))}
          </dd>
        </>
      )}
    </>
  );
}

export function RunSummaryCard({ run, live }: { run: LoadedRun; live: LiveStatus }) {
  const { start, stop, summary } = run.metadata;
  const alias = aliasOf(start);
  const status = stop ? formatValue(stop.exit_status) : "no stop yet";
  return (
    <header class="summary">
      <h1>
        {start.scan_id !== undefined ? `Scan ${start.scan_id}` : "Run"} ·{" "}
        {formatValue(start.plan_name) || "unnamed plan"} <LiveIndicator status={live} />
      </h1>
      <dl data-testid="summary">
        <dt>uid</dt>
        <dd>
          <code>{run.uid}</code>
        </dd>
        {alias && (
          <>
            <dt>alias</dt>
            <dd>
              <a href={hrefOf(`/run/${alias}`)}>{alias}</a>
            </dd>
          </>
        )}
        <dt>started</dt>
        <dd>{formatTime(start.time)}</dd>
        <dt>stopped</dt>
        <dd>{stop ? `${formatTime(stop.time)} (${formatDuration(summary.duration)})` : "—"}</dd>
        <dt>exit status</dt>
        <dd class={`status-${status}`}>
          {status}
          {stop?.reason ? ` — ${formatValue(stop.reason)}` : ""}
        </dd>
        <dt>events</dt>
        <dd>
          {Object.entries(summary.events)
            .map(([stream, n]) => `${stream}: ${n}`)
            .join(", ") || "none"}
        </dd>
        {["sample", "detectors", "motors", "proposal_id", "beamline_id"].map((key) =>
          start[key] === undefined ? null : (
            <>
              <dt>{key}</dt>
              <dd>{formatValue(start[key])}</dd>
            </>
          ),
        )}
        <Provenance uid={run.uid} />
      </dl>
    </header>
  );
}

// One run: its summary, then tabs (in the URL) for plots, images, the event table, the metadata tree,
// annotations and downloads. A run without a stop is re-read every few seconds until it stops.
import { useEffect, useState } from "preact/hooks";
import { Annotations } from "../components/Annotations.tsx";
import { Downloads } from "../components/Downloads.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { EventTable } from "../components/EventTable.tsx";
import { ImageView } from "../components/ImageView.tsx";
import { MetadataTree } from "../components/MetadataTree.tsx";
import { PlotView } from "../components/PlotView.tsx";
import { RunSummaryCard } from "../components/RunSummaryCard.tsx";
import { StreamFields } from "../components/StreamFields.tsx";
import { hrefOf, navigate, type Route, withParams } from "../lib/router.ts";
import { loadRun } from "../lib/runData.ts";
import { describeRun } from "../lib/runs.ts";
import { useAsync } from "../lib/useAsync.ts";
import type { Session } from "../lib/useSession.ts";

const TABS = [
  ["plot", "Plot"],
  ["images", "Images"],
  ["table", "Table"],
  ["fields", "Fields"],
  ["metadata", "Metadata"],
  ["annotations", "Annotations"],
  ["downloads", "Downloads"],
] as const;

/** How often a run without a stop is re-read (until live subscriptions replace polling). */
const LIVE_POLL_MS = 2000;

export function RunView({ runRef, route, session }: { runRef: string; route: Route; session: Session }) {
  const [tick, setTick] = useState(0);
  const run = useAsync((signal) => loadRun(runRef, signal), [runRef, tick]);
  const loaded = run.data;
  const live = loaded !== undefined && loaded.metadata.stop === null;
  useEffect(() => {
    if (!live) return;
    const timer = setTimeout(() => setTick((n) => n + 1), LIVE_POLL_MS);
    return () => clearTimeout(timer);
  }, [live, tick]);
  // An alias (or a uid prefix the server resolved) becomes the run's canonical address.
  useEffect(() => {
    if (loaded && loaded.uid !== runRef)
      navigate(hrefOf(`/run/${loaded.uid}`, route.params), { replace: true });
  }, [loaded?.uid]);
  useEffect(() => {
    if (loaded) document.title = `${describeRun(loaded.metadata.start)} — databroker`;
  }, [loaded?.uid]);

  if (!loaded)
    return run.error ? (
      <ErrorMessage title={`Run ${runRef} could not be read`} error={run.error} />
    ) : (
      <p class="loading">Loading run {runRef}…</p>
    );
  const tab = route.params.get("tab") ?? "plot";
  return (
    <article class="run" aria-label={describeRun(loaded.metadata.start)}>
      <RunSummaryCard run={loaded} live={live} />
      {run.error && <ErrorMessage title="Refreshing the run failed" error={run.error} />}
      <div class="tabs" role="tablist" aria-label="Views of the run">
        {TABS.map(([id, label]) => (
          <a
            key={id}
            role="tab"
            aria-selected={tab === id}
            href={withParams(route, { tab: id === "plot" ? undefined : id })}
            class={tab === id ? "tab active" : "tab"}
          >
            {label}
          </a>
        ))}
      </div>
      <section role="tabpanel" class="panel" aria-label={TABS.find(([id]) => id === tab)?.[1]}>
        {tab === "plot" && <PlotView run={loaded} route={route} />}
        {tab === "images" && <ImageView run={loaded} route={route} tick={tick} />}
        {tab === "table" && <EventTable run={loaded} route={route} tick={tick} />}
        {tab === "fields" && <StreamFields run={loaded} />}
        {tab === "metadata" && <MetadataTree run={loaded} />}
        {tab === "annotations" && <Annotations run={loaded} session={session} />}
        {tab === "downloads" && <Downloads run={loaded} exports={session.about?.meta?.exports ?? []} />}
      </section>
    </article>
  );
}

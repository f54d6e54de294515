// One run: its summary, then tabs (in the URL) for plots, images, the event table, the metadata tree,
// annotations and downloads. A run without a stop is followed live: its plot, event counts and table grow as
// events are stored, without re-reading the run (useLiveRun.ts).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { Annotations } from "../components/Annotations.tsx";
import { Downloads } from "../components/Downloads.tsx";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { EventTable } from "../components/EventTable.tsx";
import { ImageView } from "../components/ImageView.tsx";
import { MetadataTree } from "../components/MetadataTree.tsx";
import { PlotView } from "../components/PlotView.tsx";
import { RunSummaryCard } from "../components/RunSummaryCard.tsx";
import { StreamFields } from "../components/StreamFields.tsx";
import type { LiveEvents } from "../lib/liveEvents.ts";
import { hrefOf, navigate, type Route, withParams } from "../lib/router.ts";
import { type LoadedRun, loadRun } from "../lib/runData.ts";
import { describeRun } from "../lib/runs.ts";
import { useAsync } from "../lib/useAsync.ts";
import { useLiveRun } from "../lib/useLiveRun.ts";
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

/** How often the images tab re-reads a run whose events arrive live. */
const IMAGES_REFRESH_MS = 2000;

/** The run with its event counts raised to those received live (a run's counts never go down). */
function withLiveCounts(run: LoadedRun, events: LiveEvents): LoadedRun {
  const counts = { ...run.metadata.summary.events };
  for (const [stream, n] of Object.entries(events.counts()))
    counts[stream] = Math.max(counts[stream] ?? 0, n);
  return { ...run, metadata: { ...run.metadata, summary: { ...run.metadata.summary, events: counts } } };
}

export function RunView({ runRef, route, session }: { runRef: string; route: Route; session: Session }) {
  // Grows when the run must be read again: a new stream or the stop arrived live.
  const [tick, setTick] = useState(0);
  const run = useAsync((signal) => loadRun(runRef, signal), [runRef, tick]);
  const loaded = run.data;
  const live = useLiveRun(loaded, () => setTick((n) => n + 1));
  // The summary, the stream pickers and the table count what arrived live; the plot appends it to the
  // columns it read (`counted` keeps the run's `streams`, which only a re-read replaces).
  const counted = useMemo(() => loaded && withLiveCounts(loaded, live.events), [loaded, live.version]);
  // An alias (or a uid prefix the server resolved) becomes the run's canonical address.
  useEffect(() => {
    if (loaded && loaded.uid !== runRef)
      navigate(hrefOf(`/run/${loaded.uid}`, route.params), { replace: true });
  }, [loaded?.uid]);
  useEffect(() => {
    if (loaded) document.title = `${describeRun(loaded.metadata.start)} — databroker`;
  }, [loaded?.uid]);

  const tab = route.params.get("tab") ?? "plot";
  // Frames are counted by the fields' shapes, which come with the run, not with its events: while images
  // are shown, the run is re-read as events arrive, at most every IMAGES_REFRESH_MS.
  const latest = useRef(live.version);
  latest.current = live.version;
  const imagesRead = useRef(0);
  const imagesStale = tab === "images" && live.version !== imagesRead.current;
  useEffect(() => {
    if (!imagesStale) return;
    const timer = setTimeout(() => {
      imagesRead.current = latest.current;
      setTick((n) => n + 1);
    }, IMAGES_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [imagesStale]);

  if (!loaded || !counted)
    return run.error ? (
      <ErrorMessage title={`Run ${runRef} could not be read`} error={run.error} />
    ) : (
      <p class="loading">Loading run {runRef}…</p>
    );
  return (
    <article class="run" aria-label={describeRun(loaded.metadata.start)}>
      <RunSummaryCard run={counted} live={live.status} />
      {run.error && <ErrorMessage title="Refreshing the run failed" error={run.error} />}
      {live.error && <ErrorMessage title="Following the run live failed" error={live.error} />}
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
        {tab === "plot" && <PlotView run={counted} route={route} live={live} />}
        {tab === "images" && <ImageView run={loaded} route={route} tick={tick} />}
        {tab === "table" && <EventTable run={counted} route={route} tick={tick + live.version} />}
        {tab === "fields" && <StreamFields run={loaded} />}
        {tab === "metadata" && <MetadataTree run={loaded} />}
        {tab === "annotations" && <Annotations run={loaded} session={session} />}
        {tab === "downloads" && <Downloads run={loaded} exports={session.about?.meta?.exports ?? []} />}
      </section>
    </article>
  );
}

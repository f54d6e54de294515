// Plots of a stream's numbers: the default follows the hints (dimension vs. hinted detectors); people pick x,
// the y fields, log scales, and other runs to overlay (compare scans). All of it is in the URL.
import { useMemo, useState } from "preact/hooks";
import { defaultX, defaultY, mergeOnX, readColumns, withLiveEvents } from "../lib/plotData.ts";
import { navigate, type Route, withParams } from "../lib/router.ts";
import { defaultStream, isScalar, type LoadedRun, loadRun, loadRunMetadata } from "../lib/runData.ts";
import { useAsync } from "../lib/useAsync.ts";
import type { LiveRun } from "../lib/useLiveRun.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";
import { LineChart } from "./LineChart.tsx";
import { StreamPicker } from "./StreamPicker.tsx";
import { Toggle } from "./Toggle.tsx";

const list = (text: string | null) => (text ?? "").split(",").filter(Boolean);

export function PlotView({ run, route, live }: { run: LoadedRun; route: Route; live?: LiveRun }) {
  const params = route.params;
  const streamName = params.get("stream") ?? defaultStream(run);
  const stream = run.streams.find((s) => s.name === streamName);
  const x = params.get("x") ?? (stream ? defaultX(run, stream) : "time");
  const ys = params.has("y") ? list(params.get("y")) : stream ? defaultY(run, stream, x) : [];
  const logX = params.get("logx") === "1";
  const logY = params.get("logy") === "1";
  const overlays = list(params.get("overlay"));
  const [adding, setAdding] = useState("");
  const [addError, setAddError] = useState<Error>();
  const set = (changes: Record<string, string | undefined>, replace = false) =>
    navigate(withParams(route, changes), { replace });

  // The runs compared are described once per list (their fields do not change as axes do); their columns,
  // like this run's, are read again whenever this run is re-read (its `streams` are new values then; its
  // event counts alone change as events arrive live, which are appended to the columns, not read again).
  const others = useAsync(
    (signal) => Promise.all(overlays.map((uid) => loadRun(uid, signal))),
    [overlays.join(",")],
  );
  const columns = useAsync(
    async (signal) => {
      if (!streamName || !others.data) return undefined;
      return Promise.all([run, ...others.data].map((r) => readColumns(r, streamName, x, ys, signal)));
    },
    [run.uid, run.streams, streamName, x, ys.join(","), others.data],
  );
  const merged = useMemo(() => {
    if (!columns.data) return undefined;
    const [own, ...compared] = columns.data;
    return mergeOnX([
      live && streamName ? withLiveEvents(own, live.events.of(streamName)) : own,
      ...compared,
    ]);
  }, [columns.data, live?.version]);
  const failure = others.error ?? columns.error;
  // One value per drawing: the chart is rebuilt when what it shows changes, not at every render of the form.
  const chart = useMemo(() => {
    if (!merged || ys.length === 0) return undefined;
    const units = (name: string) => stream?.fields.find((f) => f.name === name)?.units;
    const yUnits = [...new Set(ys.map(units).filter(Boolean))];
    return {
      x: merged.x,
      series: merged.series,
      xLabel: units(x) ? `${x} (${units(x)})` : x,
      yLabel: yUnits.length === 1 ? `${ys.join(", ")} (${yUnits[0]})` : ys.join(", "),
      logX,
      logY,
      xIsTime: x === "time",
    };
  }, [merged, stream, x, ys.join(","), logX, logY]);

  if (!stream) return <p class="empty">This run has no streams to plot.</p>;
  const scalars = stream.fields.filter(isScalar).map((f) => f.name);
  return (
    <div class="plot">
      <form class="controls" aria-label="Plot settings" onSubmit={(event) => event.preventDefault()}>
        <StreamPicker
          run={run}
          value={streamName!}
          onChange={(stream) => set({ stream, x: undefined, y: undefined })}
        />
        <label>
          x{" "}
          <select name="x" value={x} onChange={(event) => set({ x: event.currentTarget.value })}>
            {scalars.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="ys">
          <legend>y</legend>
          {scalars
            .filter((name) => name !== x && name !== "time")
            .map((name) => (
              <label key={name}>
                <input
                  type="checkbox"
                  name="y"
                  value={name}
                  checked={ys.includes(name)}
                  onChange={() =>
                    set({
                      y: (ys.includes(name) ? ys.filter((y) => y !== name) : [...ys, name]).join(",") || ",",
                    })
                  }
                />
                {name}
              </label>
            ))}
        </fieldset>
        <Toggle
          name="logx"
          label="log x"
          checked={logX}
          onChange={() => set({ logx: logX ? undefined : "1" })}
        />
        <Toggle
          name="logy"
          label="log y"
          checked={logY}
          onChange={() => set({ logy: logY ? undefined : "1" })}
        />
      </form>
      <form
        class="overlay"
        aria-label="Compare with other runs"
        onSubmit={async (event) => {
          event.preventDefault();
          setAddError(undefined);
          try {
            const uid = (await loadRunMetadata(adding)).id;
            if (uid !== run.uid && !overlays.includes(uid)) set({ overlay: [...overlays, uid].join(",") });
            setAdding("");
          } catch (error) {
            setAddError(error as Error);
          }
        }}
      >
        <label>
          Overlay a run (scan_id, uid or its start, alias){" "}
          <input
            name="overlay"
            value={adding}
            onInput={(event) => setAdding(event.currentTarget.value)}
            required
          />
        </label>
        <button type="submit">Add</button>
        {overlays.map((uid) => (
          <span class="chip" key={uid}>
            {uid.slice(0, 8)}
            <button
              type="button"
              aria-label={`Stop comparing with ${uid.slice(0, 8)}`}
              onClick={() => set({ overlay: overlays.filter((o) => o !== uid).join(",") || undefined })}
            >
              ×
            </button>
          </span>
        ))}
      </form>
      {addError && <ErrorMessage error={addError} />}
      {failure && <ErrorMessage title="The data could not be read" error={failure} />}
      {columns.data && ys.length === 0 && <p class="empty">Choose a y field to plot.</p>}
      {chart && <LineChart data={chart} />}
      {columns.loading && <p class="loading">Reading data…</p>}
    </div>
  );
}

// Plots of a stream's numbers: the default follows the hints (dimension vs. hinted detectors); people pick x,
// the y fields, log scales, and other runs to overlay (compare scans). All of it is in the URL.
import { useState } from "preact/hooks";
import { defaultX, defaultY, mergeOnX, readColumns } from "../lib/plotData.ts";
import { navigate, type Route, withParams } from "../lib/router.ts";
import { defaultStream, isScalar, type LoadedRun, loadRun, loadRunMetadata } from "../lib/runData.ts";
import { useAsync } from "../lib/useAsync.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";
import { LineChart } from "./LineChart.tsx";
import { StreamPicker } from "./StreamPicker.tsx";

const list = (text: string | null) => (text ?? "").split(",").filter(Boolean);

export function PlotView({ run, route, tick }: { run: LoadedRun; route: Route; tick: number }) {
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

  const columns = useAsync(
    async (signal) => {
      if (!streamName) return undefined;
      const others = await Promise.all(overlays.map((uid) => loadRun(uid, signal)));
      const runs = await Promise.all([run, ...others].map((r) => readColumns(r, streamName, x, ys, signal)));
      return mergeOnX(runs);
    },
    [run.uid, streamName, x, ys.join(","), overlays.join(","), tick],
  );

  if (!stream) return <p class="empty">This run has no streams to plot.</p>;
  const scalars = stream.fields.filter(isScalar).map((f) => f.name);
  const units = (name: string) => stream.fields.find((f) => f.name === name)?.units;
  const yUnits = [...new Set(ys.map(units).filter(Boolean))];
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
        <label>
          <input
            type="checkbox"
            name="logx"
            checked={logX}
            onChange={() => set({ logx: logX ? undefined : "1" })}
          />{" "}
          log x
        </label>
        <label>
          <input
            type="checkbox"
            name="logy"
            checked={logY}
            onChange={() => set({ logy: logY ? undefined : "1" })}
          />{" "}
          log y
        </label>
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
      {columns.error && <ErrorMessage title="The data could not be read" error={columns.error} />}
      {columns.data && ys.length === 0 && <p class="empty">Choose a y field to plot.</p>}
      {columns.data && ys.length > 0 && (
        <LineChart
          data={{
            x: columns.data.x,
            series: columns.data.series,
            xLabel: units(x) ? `${x} (${units(x)})` : x,
            yLabel: yUnits.length === 1 ? `${ys.join(", ")} (${yUnits[0]})` : ys.join(", "),
            logX,
            logY,
            xIsTime: x === "time",
          }}
        />
      )}
      {columns.loading && <p class="loading">Reading data…</p>}
    </div>
  );
}

// Array fields: a 2-D field (or a stack of frames, external detector data filled through the server's
// handlers) as an image with a frame slider, color map, contrast limits and a cursor readout; a 1-D array
// per event as a line. One frame is read at a time (`slice=`), so a large stack is never fetched whole.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { readArray } from "../lib/arrays.ts";
import { COLORMAPS, lookupTable } from "../lib/colormaps.ts";
import { navigate, type Route, withParams } from "../lib/router.ts";
import { defaultStream, eventDims, type FieldInfo, type LoadedRun } from "../lib/runData.ts";
import { formatValue } from "../lib/runs.ts";
import { useAsync } from "../lib/useAsync.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";
import { LineChart } from "./LineChart.tsx";
import { StreamPicker } from "./StreamPicker.tsx";
import { Toggle } from "./Toggle.tsx";

/** Frames in a field: every event's leading dimensions above the last two (or one, for lines). */
function frameLayout(field: FieldInfo) {
  const kept = eventDims(field) >= 2 ? 2 : 1;
  const outer = field.shape.slice(0, field.shape.length - kept);
  return {
    outer,
    count: outer.reduce((n, d) => n * d, 1),
    dims: field.shape.slice(field.shape.length - kept),
  };
}

/** The numpy index of frame `n` over the outer dimensions (`3,0`). */
function frameIndex(outer: number[], n: number): string {
  const index: number[] = [];
  for (let i = outer.length - 1; i >= 0; i--) {
    index.unshift(n % outer[i]);
    n = Math.floor(n / outer[i]);
  }
  return index.join(",");
}

function finiteRange(values: Float64Array): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const v of values)
    if (Number.isFinite(v)) {
      if (v < low) low = v;
      if (v > high) high = v;
    }
  return low <= high ? [low, high] : [0, 1];
}

/** How a value maps into the color map between the contrast limits: linearly, or by its logarithm. */
type Stretch = "linear" | "log";

function drawImage(
  canvas: HTMLCanvasElement,
  values: Float64Array,
  [height, width]: number[],
  lo: number,
  hi: number,
  cmap: string,
  stretch: Stretch,
) {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d")!;
  const image = context.createImageData(width, height);
  const table = lookupTable(cmap);
  // A log stretch starts at the smallest positive limit (diffraction frames span decades; zeros are dark).
  const map = stretch === "log" ? (v: number) => Math.log10(Math.max(v, Number.MIN_VALUE)) : (v: number) => v;
  const low = map(stretch === "log" ? Math.max(lo, hi > 0 ? hi * 1e-6 : 1e-6) : lo);
  const high = map(hi);
  const scale = high > low ? 255 / (high - low) : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const level = Number.isFinite(v) ? Math.max(0, Math.min(255, Math.round((map(v) - low) * scale))) : 0;
    image.data[i * 4] = table[level * 3];
    image.data[i * 4 + 1] = table[level * 3 + 1];
    image.data[i * 4 + 2] = table[level * 3 + 2];
    image.data[i * 4 + 3] = Number.isFinite(v) ? 255 : 0;
  }
  context.putImageData(image, 0, 0);
}

export function ImageView({ run, route, tick }: { run: LoadedRun; route: Route; tick: number }) {
  const params = route.params;
  const arrayFields = (name: string | undefined) =>
    run.streams
      .find((s) => s.name === name)
      ?.fields.filter((f) => eventDims(f) >= 1 && "fiub".includes(f.dataType.kind)) ?? [];
  const withArrays = run.streams.find((s) => arrayFields(s.name).length > 0)?.name;
  const streamName =
    params.get("stream") ?? (arrayFields(defaultStream(run)).length > 0 ? defaultStream(run) : withArrays);
  const fields = arrayFields(streamName);
  const field = fields.find((f) => f.name === params.get("field")) ?? fields[0];
  const set = (changes: Record<string, string | undefined>, replace = true) =>
    navigate(withParams(route, changes), { replace });
  if (!streamName || !field)
    return <p class="empty">This run has no array fields (images or 1-D arrays per event).</p>;
  const layout = frameLayout(field);
  const frame = Math.min(Math.max(0, Number(params.get("frame")) || 0), layout.count - 1);
  const frameProps = { run, stream: streamName, field, index: frameIndex(layout.outer, frame), tick };
  return (
    <div class="images">
      <form class="controls" aria-label="Image settings" onSubmit={(event) => event.preventDefault()}>
        <StreamPicker
          run={run}
          value={streamName}
          onChange={(stream) => set({ stream, field: undefined, frame: undefined }, false)}
        />
        <label>
          Field{" "}
          <select
            name="field"
            value={field.name}
            onChange={(event) => set({ field: event.currentTarget.value, frame: undefined }, false)}
          >
            {fields.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name} {JSON.stringify(f.shape.slice(1))}
              </option>
            ))}
          </select>
        </label>
        <label>
          Frame{" "}
          <input
            type="range"
            name="frame"
            min={0}
            max={Math.max(0, layout.count - 1)}
            value={frame}
            disabled={layout.count <= 1}
            onInput={(event) => set({ frame: event.currentTarget.value })}
          />{" "}
          <output data-testid="frame">
            {frame + 1} / {layout.count}
          </output>
        </label>
      </form>
      {layout.dims.length === 2 ? (
        <FrameImage {...frameProps} route={route} />
      ) : (
        <FrameLine {...frameProps} />
      )}
    </div>
  );
}

interface FrameProps {
  run: LoadedRun;
  stream: string;
  field: FieldInfo;
  index: string;
  tick: number;
}

function useFrame({ run, stream, field, index, tick }: FrameProps) {
  return useAsync(
    (signal) =>
      readArray([run.uid, stream, "data", field.name], field.dataType, field.shape, { slice: index, signal }),
    [run.uid, stream, field.name, index, tick],
  );
}

function FrameLine(props: FrameProps) {
  const frame = useFrame(props);
  const data = useMemo(() => {
    if (!frame.data) return undefined;
    const values = frame.data.values;
    return {
      x: Float64Array.from(values, (_, i) => i),
      series: [{ label: props.field.name, values }],
      xLabel: "index",
      yLabel: props.field.units ? `${props.field.name} (${props.field.units})` : props.field.name,
    };
  }, [frame.data]);
  if (frame.error) return <ErrorMessage title="The frame could not be read" error={frame.error} />;
  return data ? <LineChart data={data} /> : <p class="loading">Reading…</p>;
}

function FrameImage(props: FrameProps & { route: Route }) {
  const frame = useFrame(props);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [cursor, setCursor] = useState<string>("");
  const params = props.route.params;
  const cmap = params.get("cmap") ?? "viridis";
  const stretch: Stretch = params.get("stretch") === "log" ? "log" : "linear";
  const auto = frame.data ? finiteRange(frame.data.values) : [0, 1];
  const lo = params.has("lo") ? Number(params.get("lo")) : auto[0];
  const hi = params.has("hi") ? Number(params.get("hi")) : auto[1];
  const set = (changes: Record<string, string | undefined>) =>
    navigate(withParams(props.route, changes), { replace: true });
  useEffect(() => {
    if (frame.data && canvas.current)
      drawImage(canvas.current, frame.data.values, frame.data.shape, lo, hi, cmap, stretch);
  }, [frame.data, lo, hi, cmap, stretch]);
  const readout = (event: MouseEvent) => {
    const element = canvas.current;
    if (!element || !frame.data) return;
    const box = element.getBoundingClientRect();
    const [height, width] = frame.data.shape;
    const x = Math.floor(((event.clientX - box.left) / box.width) * width);
    const y = Math.floor(((event.clientY - box.top) / box.height) * height);
    if (x < 0 || y < 0 || x >= width || y >= height) return setCursor("");
    setCursor(`x ${x}, y ${y}: ${formatValue(frame.data.values[y * width + x])}`);
  };
  return (
    <div class="image">
      <form class="controls" aria-label="Contrast and color" onSubmit={(event) => event.preventDefault()}>
        <label>
          Color map{" "}
          <select name="cmap" value={cmap} onChange={(event) => set({ cmap: event.currentTarget.value })}>
            {Object.keys(COLORMAPS).map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        {(
          [
            ["Low", "lo", lo],
            ["High", "hi", hi],
          ] as const
        ).map(([label, name, value]) => (
          <label key={name}>
            {label}{" "}
            <input
              type="number"
              name={name}
              step="any"
              value={formatValue(value)}
              onChange={(event) => set({ [name]: event.currentTarget.value })}
            />
          </label>
        ))}
        <Toggle
          name="stretch"
          label="log scale"
          checked={stretch === "log"}
          onChange={() => set({ stretch: stretch === "log" ? undefined : "log" })}
        />
        <button type="button" onClick={() => set({ lo: undefined, hi: undefined })}>
          Auto contrast
        </button>
      </form>
      {frame.error && <ErrorMessage title="The frame could not be read" error={frame.error} />}
      <div class="canvas-box" hidden={frame.error !== undefined}>
        <canvas
          ref={canvas}
          data-testid="image"
          aria-label={`${props.field.name}, frame ${props.index}`}
          onMouseMove={readout}
          onMouseLeave={() => setCursor("")}
        />
      </div>
      <output data-testid="cursor" aria-live="off" hidden={frame.error !== undefined}>
        {cursor ||
          (frame.data
            ? `${frame.data.shape.join(" × ")} pixels, values ${formatValue(auto[0])} to ${formatValue(auto[1])}`
            : "Reading…")}
      </output>
    </div>
  );
}

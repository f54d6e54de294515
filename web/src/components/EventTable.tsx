// A stream's events as a table, read a page at a time (`seq=from:to`): numbers and strings as they are,
// array fields named by their shape (they are plotted, not tabulated).
import { apiPath, getJson } from "../lib/api.ts";
import { navigate, type Route, withParams } from "../lib/router.ts";
import { defaultStream, eventDims, type LoadedRun } from "../lib/runData.ts";
import { formatTime, formatValue } from "../lib/runs.ts";
import { useAsync } from "../lib/useAsync.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";
import { StreamPicker } from "./StreamPicker.tsx";

const ROW_CHOICES = [25, 100, 500];

export function EventTable({ run, route, tick }: { run: LoadedRun; route: Route; tick: number }) {
  const streamName = route.params.get("stream") ?? defaultStream(run);
  const stream = run.streams.find((s) => s.name === streamName);
  const perPage = ROW_CHOICES.includes(Number(route.params.get("rows")))
    ? Number(route.params.get("rows"))
    : 100;
  const events = streamName ? (run.metadata.summary.events[streamName] ?? 0) : 0;
  const pages = Math.max(1, Math.ceil(events / perPage));
  const page = Math.min(pages, Math.max(1, Number(route.params.get("tpage")) || 1));
  const columns = stream
    ? stream.fields.filter((f) => eventDims(f) === 0 && f.name !== "time").map((f) => f.name)
    : [];
  const arrays = stream ? stream.fields.filter((f) => eventDims(f) > 0) : [];
  const rows = useAsync(
    async (signal) => {
      if (!stream) return undefined;
      const first = (page - 1) * perPage + 1;
      const params: Array<[string, string]> = [
        ["format", "application/json"],
        ["seq", `${first}:${first + perPage}`],
        ["include", "seq_num"],
        ["fill", "false"],
        ...columns.map((name): [string, string] => ["column", name]),
      ];
      return getJson<Record<string, unknown[]>>(
        apiPath(["table", "full", run.uid, stream.name, "data"], params),
        { signal },
      );
    },
    [run.uid, streamName, page, perPage, tick],
  );
  const set = (changes: Record<string, string | undefined>) => navigate(withParams(route, changes));
  if (!stream || !streamName) return <p class="empty">This run has no streams.</p>;
  const data = rows.data;
  const count = data?.time?.length ?? 0;
  return (
    <div class="event-table">
      <form class="controls" aria-label="Table settings" onSubmit={(event) => event.preventDefault()}>
        <StreamPicker run={run} value={streamName} onChange={(stream) => set({ stream, tpage: undefined })} />
        <nav class="pager" aria-label="Event pages">
          <button type="button" disabled={page <= 1} onClick={() => set({ tpage: String(page - 1) })}>
            ‹ Previous
          </button>
          <span data-testid="table-page">
            Events {events === 0 ? 0 : (page - 1) * perPage + 1}–{Math.min(events, page * perPage)} of{" "}
            {events}
          </span>
          <button type="button" disabled={page >= pages} onClick={() => set({ tpage: String(page + 1) })}>
            Next ›
          </button>
          <label>
            Rows{" "}
            <select
              name="rows"
              value={perPage}
              onChange={(event) => set({ rows: event.currentTarget.value, tpage: undefined })}
            >
              {ROW_CHOICES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        </nav>
      </form>
      {rows.error && <ErrorMessage title="The events could not be read" error={rows.error} />}
      <div class="table-scroll tall">
        <table data-testid="events" aria-busy={rows.loading}>
          <thead>
            <tr>
              <th scope="col">seq_num</th>
              <th scope="col">time</th>
              {columns.map((name) => (
                <th scope="col" key={name}>
                  {name}
                </th>
              ))}
              {arrays.map((field) => (
                <th scope="col" key={field.name}>
                  {field.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: count }, (_, row) => (
              <tr key={String(data!.seq_num[row])}>
                <td>{formatValue(data!.seq_num[row])}</td>
                <td>{formatTime(data!.time[row])}</td>
                {columns.map((name) => (
                  <td key={name}>{formatValue(data![name]?.[row])}</td>
                ))}
                {arrays.map((field) => (
                  <td key={field.name} class="hint">
                    [{field.shape.slice(1).join("×")}]
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

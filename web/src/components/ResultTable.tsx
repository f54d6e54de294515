// The result table: fixed columns people always want, plus start-document keys they add (kept in the URL).
// Header buttons sort on the server (`sort=key` / `-key`); each row links to its run.
import { useEffect, useState } from "preact/hooks";
import { hrefOf } from "../lib/router.ts";
import { formatTime, formatValue, type Item, type RunMetadata, valueAt } from "../lib/runs.ts";
import type { SearchState } from "../lib/searchQuery.ts";

interface Column {
  id: string;
  label: string;
  /** The server's sort key (none: not sortable). */
  sort?: string;
  cell: (run: RunMetadata) => string;
}

const FIXED: Column[] = [
  { id: "scan_id", label: "scan_id", sort: "scan_id", cell: (run) => formatValue(run.start.scan_id) },
  { id: "time", label: "start", sort: "time", cell: (run) => formatTime(run.start.time) },
  { id: "plan_name", label: "plan", sort: "plan_name", cell: (run) => formatValue(run.start.plan_name) },
  {
    id: "exit_status",
    label: "exit",
    sort: "stop.exit_status",
    cell: (run) => (run.stop ? formatValue(run.stop.exit_status) : "running?"),
  },
  {
    id: "events",
    label: "events",
    cell: (run) =>
      Object.entries(run.summary.events)
        .map(([stream, n]) => `${stream} ${n}`)
        .join(", "),
  },
  {
    id: "tags",
    label: "tags",
    cell: (run) => [...new Set((run.annotations ?? []).flatMap((a) => a.tags))].join(", "),
  },
];

function keyColumn(key: string): Column {
  return { id: key, label: key, sort: key, cell: (run) => formatValue(valueAt(run.start, key)) };
}

/** Keys of the start documents on this page, for the column chooser's suggestions. */
function startKeys(runs: Item<RunMetadata>[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.attributes.metadata.start)) keys.add(key);
  return [...keys].sort();
}

export function ResultTable(props: {
  runs: Item<RunMetadata>[];
  /** Whether the next page is being read (the rows shown are the previous answer's). */
  loading: boolean;
  state: SearchState;
  selected: string[];
  onSelect: (uids: string[]) => void;
  onSort: (sort: string) => void;
  onColumns: (columns: string[]) => void;
}) {
  const { state, selected } = props;
  const [adding, setAdding] = useState("");
  const columns = [...FIXED, ...state.columns.map(keyColumn)];
  // A User Timing mark (in the browser's performance tools, and what bench/web.bench.ts reads).
  useEffect(() => {
    if (!props.loading) performance.mark("databroker:results");
  }, [props.runs, props.loading]);
  const descending = state.sort.startsWith("-");
  const sortKey = state.sort.replace(/^[-+]/, "");
  const toggle = (uid: string) =>
    props.onSelect(selected.includes(uid) ? selected.filter((u) => u !== uid) : [...selected, uid]);
  return (
    <div class="results">
      <form
        class="columns"
        onSubmit={(event) => {
          event.preventDefault();
          const key = adding.trim();
          if (key && !state.columns.includes(key)) props.onColumns([...state.columns, key]);
          setAdding("");
        }}
      >
        <label>
          Add a column (start key){" "}
          <input
            list="start-keys"
            name="column"
            value={adding}
            onInput={(event) => setAdding(event.currentTarget.value)}
          />
        </label>
        <datalist id="start-keys">
          {startKeys(props.runs).map((key) => (
            <option key={key} value={key} />
          ))}
        </datalist>
        <button type="submit">Add</button>
      </form>
      <div class="table-scroll">
        <table class="runs" data-testid="results" aria-busy={props.loading}>
          <thead>
            <tr>
              <th scope="col">
                <span class="visually-hidden">Compare</span>
              </th>
              {columns.map((column) => {
                const sorted = column.sort !== undefined && column.sort === sortKey;
                return (
                  <th
                    key={column.id}
                    scope="col"
                    aria-sort={sorted ? (descending ? "descending" : "ascending") : undefined}
                  >
                    {column.sort ? (
                      <button
                        type="button"
                        class="sort"
                        onClick={() => props.onSort(sorted && !descending ? `-${column.sort}` : column.sort!)}
                      >
                        {column.label}
                        {sorted ? (descending ? " ▼" : " ▲") : ""}
                      </button>
                    ) : (
                      column.label
                    )}
                    {state.columns.includes(column.id) && (
                      <button
                        type="button"
                        class="remove"
                        aria-label={`Remove column ${column.id}`}
                        onClick={() => props.onColumns(state.columns.filter((c) => c !== column.id))}
                      >
                        ×
                      </button>
                    )}
                  </th>
                );
              })}
              <th scope="col">uid</th>
            </tr>
          </thead>
          <tbody>
            {props.runs.map((item) => {
              const run = item.attributes.metadata;
              return (
                <tr key={item.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${item.id.slice(0, 8)} to compare`}
                      checked={selected.includes(item.id)}
                      onChange={() => toggle(item.id)}
                    />
                  </td>
                  {columns.map((column, i) => (
                    <td key={column.id}>
                      {i === 0 ? (
                        <a href={hrefOf(`/run/${item.id}`)}>{column.cell(run) || "(none)"}</a>
                      ) : (
                        column.cell(run)
                      )}
                    </td>
                  ))}
                  <td>
                    <a href={hrefOf(`/run/${item.id}`)} class="uid">
                      {item.id.slice(0, 8)}
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

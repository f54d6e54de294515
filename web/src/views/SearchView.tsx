// Finding runs: the query-language box, quick filters, and a sortable, pageable result table whose columns
// people choose. Everything lives in the URL (q, filters, sort, page, size, cols): back/forward restore it
// and a link shares it. With *Watch for new runs*, runs that start meanwhile are announced (useNewRuns.ts).
import { useEffect, useState } from "preact/hooks";
import { ErrorMessage } from "../components/ErrorMessage.tsx";
import { NewRunsNotice } from "../components/NewRunsNotice.tsx";
import { QuickFilters } from "../components/QuickFilters.tsx";
import { ResultTable } from "../components/ResultTable.tsx";
import { apiPath, getJson } from "../lib/api.ts";
import { hrefOf, navigate, type Route } from "../lib/router.ts";
import type { Page, RunMetadata } from "../lib/runs.ts";
import {
  filterParams,
  PAGE_SIZES,
  paramsOfState,
  type SearchState,
  searchStateOf,
} from "../lib/searchQuery.ts";
import { useAsync } from "../lib/useAsync.ts";
import { useNewRuns } from "../lib/useNewRuns.ts";

export function SearchView({ route }: { route: Route }) {
  const state = searchStateOf(route.params);
  const go = (changes: Partial<SearchState>, replace = false) =>
    navigate(hrefOf("/", paramsOfState({ ...state, ...changes })), { replace });
  const [text, setText] = useState(state.text);
  useEffect(() => setText(state.text), [state.text]);
  const [selected, setSelected] = useState<string[]>([]);

  const newRuns = useNewRuns(filterParams(state), state.watch);
  // Grows when the new runs announced are shown: the same search is asked again.
  const [refresh, setRefresh] = useState(0);
  const key = JSON.stringify([filterParams(state), state.sort, state.page, state.size, refresh]);
  const results = useAsync(
    (signal) =>
      getJson<Page<RunMetadata>>(
        apiPath(
          ["search", ""],
          [
            ...filterParams(state),
            ["sort", state.sort],
            ["page[offset]", String((state.page - 1) * state.size)],
            ["page[limit]", String(state.size)],
          ],
        ),
        { signal },
      ),
    [key],
  );
  const count = results.data?.meta.count;
  const pages = count === undefined ? undefined : Math.max(1, Math.ceil(count / state.size));

  return (
    <section class="search" aria-label="Search runs">
      <form
        class="query"
        aria-label="Search by query"
        onSubmit={(event) => {
          event.preventDefault();
          go({ text, page: 1 });
        }}
      >
        <label for="query-text">Query</label>
        <input
          id="query-text"
          name="q"
          type="search"
          spellcheck={false}
          placeholder={'plan_name == "scan" and scan_id > 10 or "free text"'}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
          aria-describedby="query-help"
        />
        <button type="submit">Search</button>
        <small id="query-help">
          Query language: <code>==</code> <code>!=</code> <code>&lt;</code> <code>&gt;=</code>{" "}
          <code>in [..]</code> <code>contains</code> <code>like</code> <code>=~ "regex"</code>{" "}
          <code>exists</code>, <code>and</code>/<code>or</code>/<code>not</code>, a quoted string is full
          text; <code>tags contains "good"</code>.
        </small>
      </form>
      <QuickFilters
        state={state}
        ready={results.data !== undefined || results.error !== undefined}
        onChange={(changes) => go({ ...changes, page: 1 })}
      />
      {results.error && <ErrorMessage title="The search failed" error={results.error} />}
      <div class="result-bar">
        <span data-testid="result-count" aria-live="polite">
          {count === undefined
            ? results.error
              ? ""
              : "Searching…"
            : `${count.toLocaleString()} run${count === 1 ? "" : "s"}`}
          {results.loading && count !== undefined ? " (updating…)" : ""}
        </span>
        <NewRunsNotice
          watching={state.watch}
          newRuns={newRuns}
          onToggle={() => go({ watch: !state.watch }, true)}
          onShow={() => {
            newRuns.clear();
            setRefresh((n) => n + 1);
            if (state.page !== 1) go({ page: 1 });
          }}
        />
        {selected.length > 0 && (
          <a
            class="button"
            href={hrefOf(`/run/${selected[0]}`, {
              tab: "plot",
              overlay: selected.slice(1).join(",") || undefined,
            })}
          >
            Compare {selected.length} selected
          </a>
        )}
        {!results.error && (
          <Pager
            page={state.page}
            pages={pages}
            size={state.size}
            onPage={(page) => go({ page })}
            onSize={(size) => go({ size, page: 1 })}
          />
        )}
      </div>
      {results.data && (
        <ResultTable
          runs={results.data.data}
          loading={results.loading}
          state={state}
          selected={selected}
          onSelect={setSelected}
          onSort={(sort) => go({ sort, page: 1 })}
          onColumns={(columns) => go({ columns }, true)}
        />
      )}
      {results.data && results.data.data.length === 0 && (
        <p class="empty" role="status">
          No run matches this search.
        </p>
      )}
    </section>
  );
}

function Pager(props: {
  page: number;
  pages?: number;
  size: number;
  onPage: (page: number) => void;
  onSize: (size: number) => void;
}) {
  const { page, pages } = props;
  return (
    <nav class="pager" aria-label="Result pages">
      <button type="button" disabled={page <= 1} onClick={() => props.onPage(page - 1)}>
        ‹ Previous
      </button>
      <span data-testid="page-of">
        Page {page}
        {pages ? ` of ${pages.toLocaleString()}` : ""}
      </span>
      <button
        type="button"
        disabled={pages !== undefined && page >= pages}
        onClick={() => props.onPage(page + 1)}
      >
        Next ›
      </button>
      <label>
        Rows{" "}
        <select value={props.size} onChange={(event) => props.onSize(Number(event.currentTarget.value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
    </nav>
  );
}

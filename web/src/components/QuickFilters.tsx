// Quick filters beside the query box: plan name, date range, scan_id range, tag, and beamline / proposal
// when the catalog's runs name them. Choices come from the catalog itself (distinct values and tag counts,
// as the caller may see them).
import { apiPath, getJson } from "../lib/api.ts";
import type { FilterName, SearchState } from "../lib/searchQuery.ts";
import { credential } from "../lib/session.ts";
import { useAsync } from "../lib/useAsync.ts";

interface Counted {
  value: unknown;
  count: number | null;
}

interface Facets {
  plan_name: Counted[];
  beamline_id: Counted[];
  proposal_id: Counted[];
  tags: Counted[];
}

async function loadFacets(signal: AbortSignal): Promise<Facets> {
  const keys = ["plan_name", "beamline_id", "proposal_id"];
  const [distinct, tags] = await Promise.all([
    getJson<{ metadata: Record<string, Counted[]> }>(
      apiPath(
        ["distinct", ""],
        [...keys.map((key): [string, string] => ["metadata", key]), ["counts", "true"]],
      ),
      { signal },
    ),
    getJson<{ data: Array<{ tag: string; count: number }> }>("/api/v1/tags", { signal }),
  ]);
  const strings = (values: Counted[] = []) => values.filter((entry) => typeof entry.value === "string");
  return {
    plan_name: strings(distinct.metadata.plan_name),
    beamline_id: strings(distinct.metadata.beamline_id),
    proposal_id: strings(distinct.metadata.proposal_id),
    tags: tags.data.map(({ tag, count }) => ({ value: tag, count })),
  };
}

function Choice(props: {
  label: string;
  name: FilterName;
  value: string;
  options: Counted[];
  onChange: (changes: Partial<SearchState>) => void;
}) {
  return (
    <label>
      {props.label}{" "}
      <select
        name={props.name}
        value={props.value}
        onChange={(event) => props.onChange({ [props.name]: event.currentTarget.value })}
      >
        <option value="">any</option>
        {props.options.map(({ value, count }) => (
          <option key={String(value)} value={String(value)}>
            {String(value)}
            {count === null ? "" : ` (${count})`}
          </option>
        ))}
        {props.value && !props.options.some((o) => o.value === props.value) && (
          <option value={props.value}>{props.value}</option>
        )}
      </select>
    </label>
  );
}

/**
 * Facets count over the whole catalog: on a large one a server takes a while (a quarter second for 100,000
 * runs), so they are asked for once the results are in, and kept a minute for this credential.
 */
const FACETS_KEPT_MS = 60_000;
let kept: { who: string; at: number; facets: Promise<Facets> } | undefined;

function facetsFor(signal: AbortSignal): Promise<Facets> {
  const who = credential()?.secret ?? "";
  if (!kept || kept.who !== who || Date.now() - kept.at > FACETS_KEPT_MS) {
    const facets = loadFacets(new AbortController().signal); // shared by later views: not this view's signal
    kept = { who, at: Date.now(), facets };
    facets.catch(() => {
      kept = undefined;
    });
  }
  return new Promise((resolve, reject) => {
    signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
    kept!.facets.then(resolve, reject);
  });
}

export function QuickFilters({
  state,
  ready,
  onChange,
}: {
  state: SearchState;
  /** Whether the results are in (the facets are read after them). */
  ready: boolean;
  onChange: (changes: Partial<SearchState>) => void;
}) {
  const facets = useAsync((signal) => (ready ? facetsFor(signal) : Promise.resolve(undefined)), [ready]);
  const options = facets.data;
  const field = (label: string, name: FilterName, type: "date" | "number") => (
    <label>
      {label}{" "}
      <input
        type={type}
        name={name}
        value={state[name]}
        step={type === "number" ? 1 : undefined}
        onChange={(event) => onChange({ [name]: event.currentTarget.value })}
      />
    </label>
  );
  const any =
    state.plan ||
    state.since ||
    state.until ||
    state.scanFrom ||
    state.scanTo ||
    state.tag ||
    state.beamline ||
    state.proposal;
  return (
    <fieldset class="filters">
      <legend>Filters</legend>
      <Choice
        label="Plan"
        name="plan"
        value={state.plan}
        options={options?.plan_name ?? []}
        onChange={onChange}
      />
      {field("From", "since", "date")}
      {field("Until", "until", "date")}
      {field("scan_id ≥", "scanFrom", "number")}
      {field("scan_id ≤", "scanTo", "number")}
      <Choice label="Tag" name="tag" value={state.tag} options={options?.tags ?? []} onChange={onChange} />
      {/* Shown only when the catalog's runs name them. */}
      {(
        [
          ["Beamline", "beamline", options?.beamline_id ?? []],
          ["Proposal", "proposal", options?.proposal_id ?? []],
        ] as const
      ).map(([label, name, values]) =>
        values.length > 0 ? (
          <Choice
            key={name}
            label={label}
            name={name}
            value={state[name]}
            options={values}
            onChange={onChange}
          />
        ) : null,
      )}
      {any && (
        <button
          type="button"
          onClick={() =>
            onChange({
              plan: "",
              since: "",
              until: "",
              scanFrom: "",
              scanTo: "",
              tag: "",
              beamline: "",
              proposal: "",
            })
          }
        >
          Clear filters
        </button>
      )}
      {facets.error && <span class="hint">(filter choices unavailable: {facets.error.message})</span>}
    </fieldset>
  );
}

// Quick filters beside the query box: plan name, date range, scan_id range, tag, and beamline / proposal
// when the catalog's runs name them. Choices come from the catalog itself (distinct values and tag counts,
// as the caller may see them).
import { apiPath, getJson } from "../lib/api.ts";
import type { FilterName, SearchState } from "../lib/searchQuery.ts";
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

export function QuickFilters({
  state,
  onChange,
}: {
  state: SearchState;
  onChange: (changes: Partial<SearchState>) => void;
}) {
  const facets = useAsync(loadFacets, []);
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
      {(options?.beamline_id.length ?? 0) > 0 && (
        <Choice
          label="Beamline"
          name="beamline"
          value={state.beamline}
          options={options!.beamline_id}
          onChange={onChange}
        />
      )}
      {(options?.proposal_id.length ?? 0) > 0 && (
        <Choice
          label="Proposal"
          name="proposal"
          value={state.proposal}
          options={options!.proposal_id}
          onChange={onChange}
        />
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

// The search the URL holds, as API parameters: the box's text in the query language as it was typed (so a
// syntax error's column is the box's column) and the quick filters as a second query, both ANDed by the
// server; the sort; the page.
export interface SearchState {
  text: string;
  plan: string;
  since: string;
  until: string;
  scanFrom: string;
  scanTo: string;
  tag: string;
  beamline: string;
  proposal: string;
  sort: string;
  page: number;
  size: number;
  columns: string[];
  /** Whether runs that start while the search is shown are announced (an open stream: opt-in). */
  watch: boolean;
}

export const DEFAULT_SORT = "-time";
export const PAGE_SIZES = [25, 50, 100, 200];

/** URL parameter names of each piece of state. */
const NAMES = {
  text: "q",
  plan: "plan",
  since: "since",
  until: "until",
  scanFrom: "scan_from",
  scanTo: "scan_to",
  tag: "tag",
  beamline: "beamline",
  proposal: "proposal",
} as const;

export type FilterName = keyof typeof NAMES;

export function searchStateOf(params: URLSearchParams): SearchState {
  const text = (name: FilterName) => params.get(NAMES[name]) ?? "";
  const size = Number(params.get("size"));
  return {
    text: text("text"),
    plan: text("plan"),
    since: text("since"),
    until: text("until"),
    scanFrom: text("scanFrom"),
    scanTo: text("scanTo"),
    tag: text("tag"),
    beamline: text("beamline"),
    proposal: text("proposal"),
    sort: params.get("sort") || DEFAULT_SORT,
    page: Math.max(1, Math.floor(Number(params.get("page")) || 1)),
    size: PAGE_SIZES.includes(size) ? size : 50,
    columns: (params.get("cols") ?? "").split(",").filter(Boolean),
    watch: params.get("watch") === "1",
  };
}

/** The URL parameters of a state (defaults left out). */
export function paramsOfState(state: SearchState): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {};
  for (const [field, name] of Object.entries(NAMES)) params[name] = state[field as FilterName] || undefined;
  params.sort = state.sort === DEFAULT_SORT ? undefined : state.sort;
  params.page = state.page === 1 ? undefined : String(state.page);
  params.size = state.size === 50 ? undefined : String(state.size);
  params.cols = state.columns.length > 0 ? state.columns.join(",") : undefined;
  params.watch = state.watch ? "1" : undefined;
  return params;
}

const quote = (text: string) => JSON.stringify(text);

/** The day after a `YYYY-MM-DD` date, so an "until" date includes its whole day. */
function nextDay(date: string): string {
  const [year, month, day] = date.split("-").map(Number);
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return next.toISOString().slice(0, 10);
}

/** The quick filters as one query in the language (empty when none is set). */
export function filtersQuery(state: SearchState): string {
  const parts: string[] = [];
  if (state.plan) parts.push(`plan_name == ${quote(state.plan)}`);
  if (state.since) parts.push(`time >= ${quote(state.since)}`);
  if (state.until) parts.push(`time < ${quote(nextDay(state.until))}`);
  if (state.scanFrom) parts.push(`scan_id >= ${Number(state.scanFrom)}`);
  if (state.scanTo) parts.push(`scan_id <= ${Number(state.scanTo)}`);
  if (state.tag) parts.push(`tags contains ${quote(state.tag)}`);
  if (state.beamline) parts.push(`beamline_id == ${quote(state.beamline)}`);
  if (state.proposal) parts.push(`proposal_id == ${quote(state.proposal)}`);
  return parts.join(" and ");
}

/** The filter parameters of the search (the box's text first, so its errors are reported as the box's). */
export function filterParams(state: SearchState): Array<[string, string]> {
  const params: Array<[string, string]> = [];
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const text of [state.text.trim(), filtersQuery(state)]) {
    if (!text) continue;
    params.push(["filter[query][condition][text]", text]);
    params.push(["filter[query][condition][tz]", zone]);
  }
  return params;
}

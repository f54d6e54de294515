// The OpenAPI 3.1 description of the read API (served at /openapi.json; /docs renders it as a page).
// Written by hand from the routes: each entry names its path, parameters and answers.

interface RouteDoc {
  method: "get" | "post";
  path: string;
  summary: string;
  parameters?: Array<[name: string, description: string]>;
  produces: string[];
}

const PAGE: Array<[string, string]> = [
  ["page[offset]", "first item (default 0)"],
  ["page[limit]", "items per page (default 100, at most 300)"],
  ["page[cursor]", "opaque cursor from links.next (not with page[offset])"],
  ["sort", "repeatable: key or -key; '' default (start time), '-' reversed"],
  ["fields", "attributes to include; empty = ids only; 'count' = exact count and no items"],
  ["filter[<type>][condition][<field>]", "search filters (see About.queries), ANDed"],
  [
    "filter[query][condition][text]",
    "a query in databroker's query language (or, not, parentheses); [tz]: zone of times without an offset",
  ],
];

/** The routes that take no node path name their catalog with a parameter. */
const CATALOG: [string, string] = [
  "catalog",
  "the catalog (by name) of a server serving several; default: the root catalog, else the first named one",
];

const DATA = ["application/octet-stream", "application/json", "text/csv"];
const TABLE = ["application/vnd.apache.arrow.file", "text/csv", "application/json"];

export const ROUTE_DOCS: RouteDoc[] = [
  {
    method: "get",
    path: "/api/v1/",
    summary: "About: API version, formats, queries, authentication",
    produces: ["application/json"],
  },
  {
    method: "get",
    path: "/api/v1/metadata/{path}",
    summary:
      "One node (catalog, run, stream, dataset, array); a path's first segment names one of the server's catalogs first, then a run of the root catalog (as on every {path} and {uid} route)",
    produces: ["application/json"],
  },
  {
    method: "get",
    path: "/api/v1/alias/{beamline}/{proposal}/{beamtime}/{scan}",
    summary:
      "A run by its alias, as /api/v1/metadata/{uid} answers it: scan is a scan_id (the newest run with it), latest, or -N; a catalog's name may lead the parts",
    produces: ["application/json"],
  },
  {
    method: "get",
    path: "/api/v1/search/{path}",
    summary: "A page of a container's children",
    parameters: PAGE,
    produces: ["application/json"],
  },
  {
    method: "get",
    path: "/api/v1/distinct/{path}",
    summary: "Distinct metadata values over the runs matching the filters",
    parameters: [
      ["metadata", "repeatable metadata key, e.g. start.plan_name"],
      ["counts", "true to count runs per value"],
      ["structure_families", "true to list structure families"],
      ["specs", "true to list specs"],
    ],
    produces: ["application/json"],
  },
  {
    method: "get",
    path: "/api/v1/fields",
    summary:
      "databroker's own: the streams and fields of the runs matching the filters, with runs, events, min, max, shape and runs not indexed",
    parameters: [...PAGE.filter(([name]) => name.startsWith("filter")), CATALOG],
    produces: ["application/json"],
  },
  {
    method: "get",
    path: "/api/v1/array/full/{path}",
    summary: "An array's values",
    parameters: [
      ["slice", "numpy-style, e.g. 0:10:2,5"],
      ["expected_shape", "e.g. 20,128,128 or scalar; 422 when it differs"],
      ["format", "media type or alias (csv, json)"],
      ["filename", "download under this name"],
    ],
    produces: DATA,
  },
  {
    method: "get",
    path: "/api/v1/array/block/{path}",
    summary: "One block of an array (every array here is one block)",
    parameters: [
      ["block", "one chunk index per dimension, e.g. 0,0"],
      ["slice", "within the block"],
      ["expected_shape", "checked before reading"],
      ["format", "media type or alias"],
    ],
    produces: DATA,
  },
  {
    method: "get",
    path: "/api/v1/table/full/{path}",
    summary: "A dataset as one table (POST: JSON list of columns)",
    parameters: [
      ["column", "repeatable"],
      ["format", "media type or alias (arrow, csv, json)"],
      ["seq", "databroker's own: from:to, the events with from <= seq_num < to"],
      ["fill", "databroker's own: false leaves external data as datum ids"],
      ["limit", "databroker's own: only the first n rows of a stream's data, in seq_num order"],
      ["include", "databroker's own: seq_num adds each row's seq_num after time"],
      [
        "align",
        "databroker's own: another stream of the run, its fields aligned onto each row's time as <stream>.<field>",
      ],
      ["method", "databroker's own, with align: previous (default), next, nearest or linear"],
      ["tolerance", "databroker's own, with align: seconds; a reading farther than this is left missing"],
      ["prefix", "databroker's own, with align: the added columns' prefix (default: the stream's name)"],
      [
        "resample",
        "databroker's own: seconds; one row per bin of time (epoch-aligned grid, left edge in time)",
      ],
      [
        "bin_by",
        "databroker's own, repeatable (twice: a 2-D grid): one row per bin of this column; needs bins",
      ],
      ["bins", "databroker's own, one per bin_by: equal bins over the column's range"],
      ["agg", "databroker's own, with resample or bin_by: mean (default), sum, min, max, count, first, last"],
    ],
    produces: TABLE,
  },
  {
    method: "get",
    path: "/api/v1/table/partition/{path}",
    summary: "One partition of a table (POST: JSON list of columns)",
    parameters: [
      ["partition", "required; every table here has one: 0"],
      ["column", "repeatable"],
      ["format", "media type or alias"],
    ],
    produces: TABLE,
  },
  {
    method: "get",
    path: "/api/v1/container/full/{path}",
    summary: "A dataset as a table, a run as documents or JSON, a container as a JSON tree (POST: fields)",
    parameters: [
      ["field", "repeatable (datasets)"],
      ["format", "media type or alias"],
    ],
    produces: [...TABLE, "application/json-seq"],
  },
  {
    method: "get",
    path: "/api/v1/documents/{uid}",
    summary: "A run's documents, one {name, doc} per line",
    parameters: [["fill", "true to read external data into events"]],
    produces: ["application/json-seq"],
  },
  {
    method: "get",
    path: "/api/v1/provenance/{uid}",
    summary:
      "A run's provenance record (inputs you may not read: {inaccessible: true}) and the runs derived from it",
    produces: ["application/json", "application/x-msgpack"],
  },
  {
    method: "get",
    path: "/api/v1/lineage/{uid}",
    summary: "The lineage graph around a run: {root, nodes, edges}",
    parameters: [
      ["depth", "steps from the run (default: no limit)"],
      ["direction", "inputs (default), derived or both"],
    ],
    produces: ["application/json", "application/x-msgpack"],
  },
  {
    method: "post",
    path: "/api/v1/documents/",
    summary:
      "Ingest documents (JSON array, json-seq or msgpack of [name, doc] or {name, doc}); needs the key",
    parameters: [CATALOG],
    produces: ["application/json"],
  },
];

export function openApiDocument(serverUrl: string, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTE_DOCS) {
    const pathParameters = route.path.includes("{")
      ? [{ name: /\{(\w+)\}/.exec(route.path)?.[1], in: "path", required: true, schema: { type: "string" } }]
      : [];
    paths[route.path] ??= {};
    paths[route.path][route.method] = {
      summary: route.summary,
      parameters: [
        ...pathParameters,
        ...(route.parameters ?? []).map(([name, description]) => ({
          name,
          in: "query",
          description,
          schema: { type: "string" },
        })),
      ],
      responses: {
        "200": { description: "OK", content: Object.fromEntries(route.produces.map((type) => [type, {}])) },
        "4XX": { description: 'Error: {"detail": ...}', content: { "application/json": {} } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "databroker", version, description: "Tiled-compatible HTTP API for bluesky runs" },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "Authorization", description: "Apikey <key>" },
      },
    },
    paths,
  };
}

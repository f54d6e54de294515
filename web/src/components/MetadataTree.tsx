// The run's documents (start, stop, each stream's descriptors with their configuration) as a tree that a
// filter narrows to the keys or values containing its text, with the path to each match kept open.
import { useState } from "preact/hooks";
import type { LoadedRun } from "../lib/runData.ts";

type Value = unknown;

function matches(key: string, value: Value, needle: string): boolean {
  if (needle === "") return true;
  if (key.toLowerCase().includes(needle)) return true;
  if (value !== null && typeof value === "object")
    return Object.entries(value as Record<string, Value>).some(([k, v]) => matches(k, v, needle));
  return String(value).toLowerCase().includes(needle);
}

function Node({ name, value, needle, depth }: { name: string; value: Value; needle: string; depth: number }) {
  if (!matches(name, value, needle)) return null;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, Value>);
    return (
      <li>
        <details open={needle !== "" || depth < 1}>
          <summary>
            <span class="key">{name}</span>{" "}
            <span class="hint">{Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}</span>
          </summary>
          <ul>
            {entries.map(([key, child]) => (
              <Node
                key={key}
                name={key}
                value={child}
                needle={name.toLowerCase().includes(needle) ? "" : needle}
                depth={depth + 1}
              />
            ))}
          </ul>
        </details>
      </li>
    );
  }
  return (
    <li>
      <span class="key">{name}</span>: <span class="value">{JSON.stringify(value)}</span>
    </li>
  );
}

export function MetadataTree({ run }: { run: LoadedRun }) {
  const [filter, setFilter] = useState("");
  const documents: Record<string, Value> = {
    start: run.metadata.start,
    stop: run.metadata.stop,
    ...Object.fromEntries(run.streams.map((stream) => [`${stream.name} descriptors`, stream.descriptors])),
  };
  const needle = filter.trim().toLowerCase();
  return (
    <div class="metadata">
      <label>
        Filter keys and values{" "}
        <input
          type="search"
          name="metadata-filter"
          value={filter}
          onInput={(event) => setFilter(event.currentTarget.value)}
        />
      </label>
      <ul class="tree" data-testid="metadata-tree">
        {Object.entries(documents).map(([name, value]) => (
          <Node key={name} name={name} value={value} needle={needle} depth={0} />
        ))}
      </ul>
    </div>
  );
}

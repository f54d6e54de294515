// Downloads: each stream as CSV or Arrow, the run's documents as JSON sequences. Fetched with the page's
// credential (a plain link would need the key in the URL), then saved under a name that says what it is.
import { useState } from "preact/hooks";
import { apiPath, request } from "../lib/api.ts";
import type { LoadedRun } from "../lib/runData.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

interface Offer {
  label: string;
  path: string;
  accept: string;
  filename: string;
}

function offersOf(run: LoadedRun): Offer[] {
  const name =
    run.metadata.start.scan_id !== undefined
      ? `scan${run.metadata.start.scan_id}_${run.uid.slice(0, 8)}`
      : run.uid.slice(0, 8);
  const offers: Offer[] = [];
  for (const stream of run.streams) {
    const table = (format: string) =>
      apiPath(["table", "full", run.uid, stream.name, "data"], [["format", format]]);
    offers.push(
      {
        label: `${stream.name} as CSV`,
        path: table("text/csv"),
        accept: "text/csv",
        filename: `${name}_${stream.name}.csv`,
      },
      {
        label: `${stream.name} as Arrow`,
        path: table("application/vnd.apache.arrow.file"),
        accept: "application/vnd.apache.arrow.file",
        filename: `${name}_${stream.name}.arrow`,
      },
    );
  }
  offers.push({
    label: "documents (JSON sequence)",
    path: apiPath(["documents", run.uid]),
    accept: "application/json-seq",
    filename: `${name}_documents.json-seq`,
  });
  return offers;
}

async function save(offer: Offer): Promise<void> {
  const blob = await (await request(offer.path, { accept: offer.accept })).blob();
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = offer.filename;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function Downloads({ run }: { run: LoadedRun }) {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState<string>();
  return (
    <div class="downloads">
      <ul>
        {offersOf(run).map((offer) => (
          <li key={offer.label}>
            <button
              type="button"
              disabled={busy !== undefined}
              onClick={async () => {
                setError(undefined);
                setBusy(offer.label);
                try {
                  await save(offer);
                } catch (e) {
                  setError(e as Error);
                } finally {
                  setBusy(undefined);
                }
              }}
            >
              Download {offer.label}
            </button>{" "}
            <code class="hint">{offer.filename}</code>
          </li>
        ))}
      </ul>
      {busy && <p class="loading">Preparing {busy}…</p>}
      {error && <ErrorMessage title="The download failed" error={error} />}
      <p class="hint">
        The same data over the API:{" "}
        <code>GET /api/v1/table/full/{run.uid}/&lt;stream&gt;/data?format=text/csv</code>.
      </p>
    </div>
  );
}

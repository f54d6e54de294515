// Downloads: each stream as CSV or Arrow, the run's documents as JSON sequences, and the run in every export
// format the server offers (NeXus, SPEC, pack...; folder formats come as a tar archive). Fetched with the
// page's credential (a plain link would need the key in the URL), then saved under the name the server gives.
import { useState } from "preact/hooks";
import { apiPath, request } from "../lib/api.ts";
import type { LoadedRun } from "../lib/runData.ts";
import type { ExportOffer } from "../lib/useSession.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

interface Offer {
  label: string;
  path: string;
  accept: string;
  filename: string;
  /** What it is, when more than the label says. */
  summary?: string;
}

function exportOffers(run: LoadedRun, exports: readonly ExportOffer[], name: string): Offer[] {
  return exports.map((format) => ({
    label: `run as ${format.name}`,
    path: apiPath(["container", "full", run.uid], [["format", format.name]]),
    accept: "*/*",
    filename: format.layout === "file" ? `${name} (${format.name})` : `${name}_${format.name}.tar`,
    summary: format.summary,
  }));
}

function offersOf(run: LoadedRun, exports: readonly ExportOffer[]): Offer[] {
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
  return [...offers, ...exportOffers(run, exports, name)];
}

/** The name in the answer's Content-Disposition, when it gives one. */
function suggestedName(response: Response): string | undefined {
  return /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1];
}

async function save(offer: Offer): Promise<void> {
  const response = await request(offer.path, { accept: offer.accept });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = suggestedName(response) ?? offer.filename;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function Downloads({ run, exports }: { run: LoadedRun; exports: readonly ExportOffer[] }) {
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState<string>();
  return (
    <div class="downloads">
      <ul>
        {offersOf(run, exports).map((offer) => (
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
            {offer.summary ? (
              <span class="hint">{offer.summary}</span>
            ) : (
              <code class="hint">{offer.filename}</code>
            )}
          </li>
        ))}
      </ul>
      {busy && <p class="loading">Preparing {busy}…</p>}
      {error && <ErrorMessage title="The download failed" error={error} />}
      <p class="hint">
        The same data over the API:{" "}
        <code>GET /api/v1/table/full/{run.uid}/&lt;stream&gt;/data?format=text/csv</code>, and{" "}
        <code>GET /api/v1/container/full/{run.uid}?format=nexus</code> for a whole run;{" "}
        <code>databroker export</code> on the command line.
      </p>
    </div>
  );
}

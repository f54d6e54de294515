// A run's annotations: read them, add one (tags, text, visibility), edit your own (naming the revision the
// edit started from, so a concurrent edit is reported, not overwritten) and delete. Signed-in callers with
// `write:annotations` only; everyone who may read the run sees what is shared with them.
import { useState } from "preact/hooks";
import { apiPath, getJson, request } from "../lib/api.ts";
import type { LoadedRun } from "../lib/runData.ts";
import { type Annotation, formatTime } from "../lib/runs.ts";
import { useAsync } from "../lib/useAsync.ts";
import type { Session } from "../lib/useSession.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

interface Draft {
  tags: string;
  body: string;
  visibility: Annotation["visibility"];
  shared_with: string;
}

const EMPTY: Draft = { tags: "", body: "", visibility: "beamtime", shared_with: "" };

const words = (text: string) =>
  text
    .split(",")
    .map((word) => word.trim())
    .filter(Boolean);

function contentOf(draft: Draft) {
  return {
    tags: words(draft.tags),
    body: draft.body,
    visibility: draft.visibility,
    shared_with: draft.visibility === "users" ? words(draft.shared_with) : [],
  };
}

function AnnotationForm(props: {
  initial: Draft;
  submitLabel: string;
  onSubmit: (draft: Draft) => Promise<void>;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState(props.initial);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const change = (field: keyof Draft) => (event: Event) =>
    setDraft({ ...draft, [field]: (event.currentTarget as HTMLInputElement).value });
  return (
    <form
      class="annotation-form"
      aria-label={props.submitLabel}
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          await props.onSubmit(draft);
        } catch (e) {
          setError(e as Error);
        } finally {
          setBusy(false);
        }
      }}
    >
      <label>
        Tags (comma-separated) <input name="tags" value={draft.tags} onInput={change("tags")} />
      </label>
      <label>
        Note <textarea name="body" rows={3} value={draft.body} onInput={change("body")} />
      </label>
      <label>
        Visible to{" "}
        <select name="visibility" value={draft.visibility} onChange={change("visibility")}>
          <option value="beamtime">everyone who may read the run</option>
          <option value="private">only me</option>
          <option value="users">these users…</option>
        </select>
      </label>
      {draft.visibility === "users" && (
        <label>
          Users (comma-separated ids){" "}
          <input name="shared_with" value={draft.shared_with} onInput={change("shared_with")} />
        </label>
      )}
      <div class="buttons">
        <button type="submit" disabled={busy}>
          {props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
      {error && <ErrorMessage error={error} />}
    </form>
  );
}

export function Annotations({ run, session }: { run: LoadedRun; session: Session }) {
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState<string>();
  const [error, setError] = useState<Error>();
  const list = useAsync(
    (signal) => getJson<{ data: Annotation[] }>(apiPath(["annotations", run.uid]), { signal }),
    [run.uid, version],
  );
  const reload = () => setVersion((n) => n + 1);
  const me = session.who?.id;
  return (
    <div class="annotations">
      {list.error && <ErrorMessage title="The annotations could not be read" error={list.error} />}
      <ul data-testid="annotations">
        {list.data?.data.map((annotation) => (
          <li key={annotation.id} class="annotation" data-testid="annotation">
            {editing === annotation.id ? (
              <AnnotationForm
                submitLabel="Save"
                initial={{
                  tags: annotation.tags.join(", "),
                  body: annotation.body,
                  visibility: annotation.visibility,
                  shared_with: annotation.shared_with.join(", "),
                }}
                onCancel={() => setEditing(undefined)}
                onSubmit={async (draft) => {
                  await request(apiPath(["annotations", run.uid, annotation.id]), {
                    method: "PATCH",
                    body: { ...contentOf(draft), revision: annotation.revision },
                  });
                  setEditing(undefined);
                  reload();
                }}
              />
            ) : (
              <>
                <div class="tags">
                  {annotation.tags.map((tag) => (
                    <a key={tag} class="chip" href={`/?tag=${encodeURIComponent(tag)}`}>
                      {tag}
                    </a>
                  ))}
                </div>
                {annotation.body && <p class="body">{annotation.body}</p>}
                {Object.keys(annotation.values).length > 0 && (
                  <code>{JSON.stringify(annotation.values)}</code>
                )}
                <small class="hint">
                  {annotation.author}, {formatTime(annotation.updated)} · revision {annotation.revision} ·{" "}
                  {annotation.visibility}
                  {annotation.visibility === "users" ? ` (${annotation.shared_with.join(", ")})` : ""}
                  {annotation.target ? ` · about ${JSON.stringify(annotation.target)}` : ""}
                </small>
                {session.mayAnnotate && (
                  <div class="buttons">
                    {annotation.author === me && (
                      <button type="button" onClick={() => setEditing(annotation.id)}>
                        Edit
                      </button>
                    )}
                    <button
                      type="button"
                      onClick={async () => {
                        if (!confirm("Delete this annotation? Its revisions stay readable.")) return;
                        setError(undefined);
                        try {
                          await request(
                            apiPath(
                              ["annotations", run.uid, annotation.id],
                              [["revision", String(annotation.revision)]],
                            ),
                            {
                              method: "DELETE",
                            },
                          );
                          reload();
                        } catch (e) {
                          setError(e as Error);
                        }
                      }}
                    >
                      Delete
                    </button>
                  </div>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
      {list.data?.data.length === 0 && <p class="empty">No annotations yet.</p>}
      {error && <ErrorMessage error={error} />}
      {session.mayAnnotate ? (
        <AnnotationForm
          key={version}
          initial={EMPTY}
          submitLabel="Add annotation"
          onSubmit={async (draft) => {
            await request(apiPath(["annotations", run.uid]), { method: "POST", body: contentOf(draft) });
            reload();
          }}
        />
      ) : (
        <p class="hint">Sign in with a key that may write annotations to add one.</p>
      )}
    </div>
  );
}

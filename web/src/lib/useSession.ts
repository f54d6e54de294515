// Who the server says the page is signed in as (GET /api/v1/auth/whoami with the page's credential) and how
// it lets people sign in (About's `authentication`), re-read whenever the credential changes.
import { useEffect, useState } from "preact/hooks";
import { ApiError, getJson } from "./api.ts";
import { credential, onSessionChange } from "./session.ts";
import { useAsync } from "./useAsync.ts";

export interface Whoami {
  kind: "user" | "anonymous";
  id?: string;
  via?: string;
  role?: string;
  scopes: string[];
}

/** A run export format the server offers (`format=<name>` of the run). */
export interface ExportOffer {
  name: string;
  summary: string;
  layout: "file" | "folder" | "collection";
}

export interface About {
  library_version: string;
  meta?: { exports?: ExportOffer[] };
  authentication: {
    required: boolean;
    providers: Array<{ provider: string; links?: { auth_endpoint?: string }; client_id?: string }>;
  };
}

export interface Session {
  who?: Whoami;
  about?: About;
  /** Why the server refused the credential (or reading without one). */
  refused?: string;
  /** Whether that refusal was of a credential (rather than of reading without one). */
  refusedCredential?: boolean;
  loading: boolean;
  /** Whether the caller may add and edit annotations. */
  mayAnnotate: boolean;
}

export function useSession(): Session {
  const [version, setVersion] = useState(0);
  useEffect(() => onSessionChange(() => setVersion((n) => n + 1)), []);
  const about = useAsync((signal) => getJson<About>("/api/v1/", { signal }), []);
  const who = useAsync(
    async (signal) => {
      try {
        return await getJson<Whoami>("/api/v1/auth/whoami", { signal });
      } catch (error) {
        if (error instanceof ApiError && (error.status === 401 || error.status === 403))
          return { refused: error.detail, refusedCredential: credential() !== undefined };
        throw error;
      }
    },
    [version],
  );
  const answer = who.data && "refused" in who.data ? undefined : (who.data as Whoami | undefined);
  const refused =
    who.data && "refused" in who.data ? who.data.refused : who.error ? who.error.message : undefined;
  return {
    who: answer,
    about: about.data,
    refused,
    refusedCredential: who.data && "refused" in who.data ? who.data.refusedCredential : false,
    loading: who.loading,
    mayAnnotate: answer?.scopes.includes("write:annotations") === true && credential() !== undefined,
  };
}

// Who the page signs in as. An API key typed in (or brought by the printed sign-in URL `/?api_key=...`, which
// is then removed from the address bar and history) or an OIDC token is kept in this browser's local storage
// and sent in the Authorization header. Without one the page browses as the anonymous caller (a `--public`
// server, or released runs with memberships).
export interface Credential {
  kind: "key" | "bearer";
  secret: string;
  /** When a bearer token expires (seconds since the epoch). */
  expires?: number;
}

const STORAGE_KEY = "databroker.credential";
const listeners = new Set<() => void>();

function stored(): Credential | undefined {
  try {
    const text = localStorage.getItem(STORAGE_KEY);
    const value = text ? (JSON.parse(text) as Credential) : undefined;
    if (value?.expires !== undefined && value.expires * 1000 < Date.now()) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

let current: Credential | undefined = stored();

export function credential(): Credential | undefined {
  return current;
}

export function signIn(value: Credential): void {
  current = value;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
  for (const listener of listeners) listener();
}

export function signOut(): void {
  current = undefined;
  localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Takes a key from `?api_key=` (the URL `databroker serve` prints) and removes it from the address. */
export function adoptKeyFromUrl(): void {
  const url = new URL(location.href);
  const key = url.searchParams.get("api_key");
  if (key === null) return;
  url.searchParams.delete("api_key");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  if (key !== "") signIn({ kind: "key", secret: key });
}

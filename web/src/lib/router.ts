// The page's state lives in its URL (path + query), so back and forward restore it and a link can be shared.
// Views read it with useRoute() and change it with navigate(): a new history entry for what a user would
// go back to (a new search, a page, a run), a replaced one for small adjustments (a slider).
import { useEffect, useState } from "preact/hooks";

export interface Route {
  path: string;
  params: URLSearchParams;
}

const listeners = new Set<() => void>();

function current(): Route {
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

window.addEventListener("popstate", () => {
  for (const listener of listeners) listener();
});

/** A URL for a path and its parameters; empty values are left out so URLs stay short. */
export function hrefOf(
  path: string,
  params: Record<string, string | undefined> | URLSearchParams = {},
): string {
  const entries = params instanceof URLSearchParams ? [...params] : Object.entries(params);
  const kept = entries.filter(
    (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== "",
  );
  const query = new URLSearchParams(kept).toString();
  return query ? `${path}?${query}` : path;
}

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  for (const listener of listeners) listener();
}

/** The route with some parameters changed (undefined or "" removes one). */
export function withParams(route: Route, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams(route.params);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === "") params.delete(name);
    else params.set(name, value);
  }
  return hrefOf(route.path, params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const listener = () => setRoute(current());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return route;
}

/** Follows a same-origin link without reloading the page (ctrl/cmd/middle clicks keep the browser's way). */
export function followLink(event: MouseEvent): void {
  const anchor = (event.target as Element).closest("a");
  if (!anchor || anchor.target || anchor.hasAttribute("download")) return;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}

// Signing in with the facility's OIDC provider from the browser: the authorization-code flow with PKCE for a
// public client (no secret in the page). The provider sends the browser back to `/` with `code` and `state`;
// the page trades the code for tokens and signs in with a bearer token, which the server verifies like any
// other client's.
import { signIn } from "./session.ts";

export interface OidcProvider {
  links?: { auth_endpoint?: string };
  client_id?: string;
}

interface Pending {
  state: string;
  verifier: string;
  tokenEndpoint: string;
  clientId: string;
  returnTo: string;
}

const PENDING = "databroker.oidc";

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

function randomText(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

function redirectUri(): string {
  return `${location.origin}/`;
}

export async function startOidcSignIn(provider: OidcProvider): Promise<void> {
  const issuer = provider.links?.auth_endpoint?.replace(/\/$/, "");
  if (!issuer || !provider.client_id) throw new Error("the server names no OIDC provider to sign in with");
  const discovery = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!discovery.ok) throw new Error(`the OIDC provider's discovery answered ${discovery.status}`);
  const config = (await discovery.json()) as { authorization_endpoint: string; token_endpoint: string };
  const pending: Pending = {
    state: randomText(),
    verifier: randomText(),
    tokenEndpoint: config.token_endpoint,
    clientId: provider.client_id,
    returnTo: location.pathname + location.search,
  };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(pending.verifier))),
  );
  const url = new URL(config.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: pending.clientId,
    redirect_uri: redirectUri(),
    scope: "openid profile email",
    state: pending.state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

/** Finishes a sign-in the provider sent the browser back from; the page's address is put back as it was. */
export async function completeOidcSignIn(): Promise<void> {
  const url = new URL(location.href);
  const code = url.searchParams.get("code");
  const state = url.searchParams.get("state");
  const text = sessionStorage.getItem(PENDING);
  if (code === null || state === null || text === null) return;
  sessionStorage.removeItem(PENDING);
  const pending = JSON.parse(text) as Pending;
  history.replaceState(null, "", pending.returnTo);
  if (pending.state !== state)
    throw new Error("the sign-in answer does not match the request (state differs)");
  const response = await fetch(pending.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri(),
      client_id: pending.clientId,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`the OIDC provider refused the sign-in (${response.status})`);
  const tokens = (await response.json()) as { access_token?: string; id_token?: string; expires_in?: number };
  // A JWT access token is what an API verifies; providers that issue opaque ones still give an ID token.
  const token = tokens.access_token?.split(".").length === 3 ? tokens.access_token : tokens.id_token;
  if (!token) throw new Error("the OIDC provider answered no token");
  const expires = tokens.expires_in ? Date.now() / 1000 + tokens.expires_in : undefined;
  signIn({ kind: "bearer", secret: token, expires });
}

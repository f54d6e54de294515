// Signing in: an API key typed in (or the printed sign-in URL, taken in main.tsx), or the OIDC provider the
// server names; signing out forgets the credential in this browser.
import { useState } from "preact/hooks";
import { startOidcSignIn } from "../lib/oidc.ts";
import { signIn, signOut } from "../lib/session.ts";
import type { Session } from "../lib/useSession.ts";
import { ErrorMessage } from "./ErrorMessage.tsx";

export function SignInForm({ session }: { session: Session }) {
  const [key, setKey] = useState("");
  const oidc = session.about?.authentication.providers.find((p) => p.provider === "oidc" && p.client_id);
  return (
    <form
      class="sign-in"
      aria-label="Sign in"
      onSubmit={(event) => {
        event.preventDefault();
        if (key.trim()) signIn({ kind: "key", secret: key.trim() });
      }}
    >
      <label>
        API key{" "}
        <input
          type="password"
          name="api_key"
          autoComplete="current-password"
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
          required
        />
      </label>
      <button type="submit">Sign in</button>
      {oidc && (
        <button type="button" onClick={() => startOidcSignIn(oidc)}>
          Sign in with {new URL(oidc.links?.auth_endpoint ?? location.href).host}
        </button>
      )}
    </form>
  );
}

export function SignInStatus({ session }: { session: Session }) {
  const [open, setOpen] = useState(false);
  const who = session.who;
  const signedIn = who?.kind === "user";
  return (
    <div class="session" aria-live="polite">
      {signedIn ? (
        <>
          <span data-testid="who">
            Signed in as <strong>{who.id}</strong>
            {who.role ? ` (${who.role})` : ""}
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </>
      ) : (
        <>
          <span data-testid="who">{who ? "Browsing anonymously (read-only)" : "Not signed in"}</span>
          {!open && who && (
            <button type="button" onClick={() => setOpen(true)}>
              Sign in
            </button>
          )}
          {open && <SignInForm session={session} />}
        </>
      )}
    </div>
  );
}

/** The page shown instead of a view when the server needs a credential (or refused the one given). */
export function SignInPage({ session }: { session: Session }) {
  return (
    <section class="signin-page">
      <h1>Sign in</h1>
      {session.refused && (
        <ErrorMessage
          title={session.refusedCredential ? "The server refused this key" : "This server needs a key"}
          error={session.refused}
        />
      )}
      <p>
        Sign in with the API key <code>databroker serve</code> printed (its <em>web page</em> URL signs you
        in), or one your facility issued you.
      </p>
      <SignInForm session={session} />
    </section>
  );
}

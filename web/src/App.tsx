// The page: a header with who is signed in, then the view the URL names — the search (`/`) or a run
// (`/run/<uid or alias>`). Links inside the page change the view without reloading it.
import { ErrorMessage } from "./components/ErrorMessage.tsx";
import { SignInForm, SignInStatus } from "./components/SignIn.tsx";
import { followLink, useRoute } from "./lib/router.ts";
import { useSession } from "./lib/useSession.ts";
import { RunView } from "./views/RunView.tsx";
import { SearchView } from "./views/SearchView.tsx";

export function App({ signInProblem }: { signInProblem?: Error }) {
  const route = useRoute();
  const session = useSession();
  const runRef = route.path.startsWith("/run/")
    ? decodeURIComponent(route.path.slice("/run/".length))
    : undefined;
  let body: preact.ComponentChildren;
  if (session.loading && !session.who && !session.refused) body = <p class="loading">Loading…</p>;
  else if (!session.who)
    body = (
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
  else if (runRef) body = <RunView key={runRef} runRef={runRef} route={route} session={session} />;
  else body = <SearchView route={route} />;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: delegates clicks on the links inside to the router
    // biome-ignore lint/a11y/useKeyWithClickEvents: links keep their own keyboard behaviour
    <div class="app" onClick={(event) => followLink(event as unknown as MouseEvent)}>
      <header class="top">
        <a class="brand" href="/">
          databroker
        </a>
        <SignInStatus session={session} />
      </header>
      {signInProblem && <ErrorMessage title="Sign-in failed" error={signInProblem} />}
      <main>{body}</main>
    </div>
  );
}

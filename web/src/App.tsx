// The page: a header with who is signed in, then the view the URL names — the search (`/`) or a run
// (`/run/<uid or alias>`). Links inside the page change the view without reloading it.
import { ErrorMessage } from "./components/ErrorMessage.tsx";
import { SignInPage, SignInStatus } from "./components/SignIn.tsx";
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
  // Until the server says who the caller is, the view already asks for its data (in parallel, not after);
  // a refusal then brings the sign-in.
  const signInNeeded = !session.who && !(session.loading && session.refused === undefined);
  let body: preact.ComponentChildren;
  if (signInNeeded) body = <SignInPage session={session} />;
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

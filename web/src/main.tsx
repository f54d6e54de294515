// The page's entry: takes a credential the sign-in URL or the OIDC provider brought, then renders the app.
import { render } from "preact";
import { App } from "./App.tsx";
import { completeOidcSignIn } from "./lib/oidc.ts";
import { adoptKeyFromUrl } from "./lib/session.ts";
import "./style.css";

adoptKeyFromUrl();
const signInProblem = await completeOidcSignIn().then(
  () => undefined,
  (error: Error) => error,
);
render(<App signInProblem={signInProblem} />, document.getElementById("app")!);

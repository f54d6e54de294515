// The page's entry: renders the app into #app.
import { render } from "preact";

render(<main>databroker</main>, document.getElementById("app")!);

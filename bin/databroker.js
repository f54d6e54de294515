#!/usr/bin/env node
// Entry point of the `databroker` command: loads the TypeScript sources through tsx, so a clone runs without a build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");

// `<run>`, the same on every command that names one run: how its help describes what it takes.

export const RUN_ARGUMENT_HELP =
  "uid or unique uid prefix (5+ characters), scan_id, -N for the N-th most recent, or an alias beamline/proposal/beamtime/scan_id (or .../latest, .../-N)";

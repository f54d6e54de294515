// The name map used when none is given, and under a given one (whose entries win): common ophyd device
// and field names placed where NeXus base classes define them. Keys are matched as in a name map file
// (field name, device name, `kind:image`, globs); a YAML map overrides any key, `~` removes one.
export const DEFAULT_NEXUS_NAMES: Readonly<Record<string, string>> = {
  // Any per-event 2-D (or 3-D) detector image goes to its detector's data (NXdetector/data).
  "kind:image": "instrument:NXinstrument/{device}:NXdetector/data",
  // Sample stage: NXsample's rotation_angle and translations.
  th: "sample:NXsample/rotation_angle",
  theta: "sample:NXsample/rotation_angle",
  omega: "sample:NXsample/rotation_angle",
  sx: "sample:NXsample/x_translation",
  sample_x: "sample:NXsample/x_translation",
  sy: "sample:NXsample/y_translation",
  sample_y: "sample:NXsample/y_translation",
  temperature: "sample:NXsample/temperature",
  // Two-theta is the detector's polar angle (NXdetector/polar_angle).
  tth: "instrument:NXinstrument/detector:NXdetector/polar_angle",
  two_theta: "instrument:NXinstrument/detector:NXdetector/polar_angle",
  // Beam energy and wavelength are the monochromator's.
  energy: "instrument:NXinstrument/monochromator:NXmonochromator/energy",
  wavelength: "instrument:NXinstrument/monochromator:NXmonochromator/wavelength",
  // Incident-beam monitors (ion chambers) as NXmonitor/data.
  I0: "monitor:NXmonitor/data",
  i0: "monitor:NXmonitor/data",
  monitor: "monitor:NXmonitor/data",
};

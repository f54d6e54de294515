// Test support: one valid, feature-rich synthetic document per event-model type, using every optional field
// the schemas define (the reference data never shows projections, limits, dtype_numpy or bulk documents).
import type { DocumentName } from "../../src/documents/types.ts";

const RUN = "9d2b6a43-8f1e-4c52-a7d1-3f0e6c1b2a90";
const DESCRIPTOR = "5e0c7a21-0b3d-4f6e-9a88-2c4d1e7f3b65";
const RESOURCE = "c1f0a9e2-7d43-4b8a-b1e6-0a5d3c9f8e27";

function start(): unknown {
  return {
    uid: RUN,
    time: 1700000000.25,
    scan_id: 42,
    group: "xpd",
    owner: "alice",
    project: "perovskites",
    data_session: "proposal-1234",
    data_groups: ["xpd", "proposal-1234"],
    sample: { name: "LaB6", composition: { La: 1, B: 6 } },
    plan_name: "grid_scan",
    plan_args: { detectors: ["det"], args: ["motor1", -1, 1, 5], per_step: null },
    detectors: ["det"],
    motors: ["motor1", "motor2"],
    data_type: { kind: { nested: "value" } },
    hints: {
      dimensions: [
        [["motor1"], "primary"],
        ["motor2", "primary"],
      ],
      gridding: "rectilinear",
    },
    projections: [
      {
        name: "nxsas",
        version: "2.0",
        configuration: { instrument: "SAXS" },
        projection: {
          "entry/instrument/name": {
            type: "linked",
            location: "configuration",
            stream: "primary",
            config_device: "det",
            config_index: 0,
            field: "det_name",
          },
          "entry/data/intensity": { type: "linked", location: "event", stream: "primary", field: "det" },
          "entry/data/q": {
            type: "calculated",
            location: "event",
            stream: "primary",
            field: "det",
            calculation: { callable: "pkg.q_from_pixels", args: [1], kwargs: { distance: 2.5 } },
          },
          "entry/sample/name": { type: "static", value: "LaB6" },
        },
      },
    ],
  };
}

function stop(): unknown {
  return {
    uid: "e8a3f1d0-2b4c-4d6e-8f01-23456789abcd",
    time: 1700000100.5,
    run_start: RUN,
    exit_status: "success",
    reason: "",
    num_events: { primary: 5, baseline: 2 },
    data_type: { "free.form": { "a/b": 1 } },
    custom: { "nested.key": "stop allows any nested keys" },
  };
}

function descriptor(): unknown {
  return {
    uid: DESCRIPTOR,
    time: 1700000000.5,
    run_start: RUN,
    name: "primary",
    data_keys: {
      det: {
        dtype: "array",
        shape: [128, null],
        source: "PV:XF:28ID-DET{Cam}",
        external: "FILESTORE:",
        dims: ["y", "x"],
        units: "counts",
        precision: 3,
        object_name: "det",
        dtype_numpy: "<u2",
        choices: [],
        limits: {
          control: { low: 0, high: 65535 },
          display: { low: null, high: null },
          warning: null,
          alarm: { low: -1.5, high: 1e9 },
          hysteresis: 0.5,
          rds: { time_difference: 100, value_difference: 0.1 },
        },
      },
      motor1: { dtype: "number", shape: [], source: "PV:XF:28ID-M1", units: null, precision: null },
      mode: { dtype: "string", shape: [], source: "PV:MODE", choices: ["fast", "slow"], dtype_numpy: "|S8" },
      point: {
        dtype: "array",
        shape: [],
        source: "SIM:point",
        dtype_numpy: [
          ["x", "<f8"],
          ["y", "<f8"],
        ],
      },
    },
    configuration: {
      det: {
        data: { det_exposure: 0.1 },
        timestamps: { det_exposure: 1700000000.1 },
        data_keys: { det_exposure: { dtype: "number", shape: [], source: "PV:EXP" } },
      },
    },
    object_keys: { det: ["det"], motor1: ["motor1"] },
    object_classes: { det: "ophyd.areadetector.AreaDetector", motor1: "ophyd.EpicsMotor" },
    hints: { det: { fields: ["det"] }, fields: ["det"], NX_class: "NXdetector" },
  };
}

function event(): unknown {
  return {
    uid: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    descriptor: DESCRIPTOR,
    seq_num: 1,
    time: 1700000001.5,
    data: { det: `${RESOURCE}/0`, motor1: -1, mode: "fast", point: [1, 2] },
    timestamps: { det: 1700000001.4, motor1: 1700000001.3, mode: 1700000001.2, point: 1700000001.1 },
    filled: { det: false },
  };
}

function eventPage(): unknown {
  return {
    uid: ["a1", "a2"],
    descriptor: DESCRIPTOR,
    seq_num: [1, 2],
    time: [1700000001.5, 1700000002.5],
    data: { det: [`${RESOURCE}/0`, `${RESOURCE}/1`], motor1: [-1, 0] },
    timestamps: { det: [1700000001.4, 1700000002.4], motor1: [1700000001.3, 1700000002.3] },
    filled: { det: [false, "datum-id"] },
  };
}

function resource(): unknown {
  return {
    uid: RESOURCE,
    spec: "AD_HDF5",
    root: "/nsls2/data",
    resource_path: "xpd/2023/scan_0001.h5",
    resource_kwargs: { frame_per_point: 1 },
    path_semantics: "posix",
    run_start: RUN,
  };
}

function datum(): unknown {
  return { datum_id: `${RESOURCE}/0`, resource: RESOURCE, datum_kwargs: { point_number: 0 } };
}

function datumPage(): unknown {
  return {
    datum_id: [`${RESOURCE}/0`, `${RESOURCE}/1`],
    resource: RESOURCE,
    datum_kwargs: { point_number: [0, 1] },
  };
}

function streamResource(): unknown {
  return {
    uid: "7c6b5a49-3827-4165-9f0e-dcba98765432",
    data_key: "det",
    mimetype: "application/x-hdf5",
    uri: "file://localhost/nsls2/data/scan_0001.h5",
    parameters: { dataset: "/entry/data/data", chunk_shape: [1, 128, 128] },
    run_start: RUN,
  };
}

function streamDatum(): unknown {
  return {
    uid: "7c6b5a49-3827-4165-9f0e-dcba98765432/0",
    stream_resource: "7c6b5a49-3827-4165-9f0e-dcba98765432",
    descriptor: DESCRIPTOR,
    indices: { start: 0, stop: 5 },
    seq_nums: { start: 1, stop: 6 },
  };
}

function bulkEvents(): unknown {
  const one = event() as Record<string, unknown>;
  return {
    [DESCRIPTOR]: [one, { ...one, uid: "second", seq_num: 2, filled: {} }],
    "other-descriptor": [],
  };
}

function bulkDatum(): unknown {
  return {
    resource: RESOURCE,
    datum_ids: [`${RESOURCE}/0`, `${RESOURCE}/1`],
    datum_kwarg_list: [{ point_number: 0 }, { point_number: 1 }],
  };
}

const FACTORIES: Record<DocumentName, () => unknown> = {
  start,
  stop,
  descriptor,
  event,
  event_page: eventPage,
  resource,
  datum,
  datum_page: datumPage,
  stream_resource: streamResource,
  stream_datum: streamDatum,
  bulk_events: bulkEvents,
  bulk_datum: bulkDatum,
};

/** A fresh copy of the feature-rich sample of `name` (valid by the official schema). */
export function sampleDocument(name: DocumentName): any {
  return FACTORIES[name]();
}

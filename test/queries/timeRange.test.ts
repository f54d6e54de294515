// TimeRange ends: databroker's strings, ISO 8601, epoch numbers, IANA zones with their DST changes (skipped
// and repeated wall times are errors, as with databroker's pytz is_dst=None), and the half-open range.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../src/errors.ts";
import { localTimeZone, matches, parseTime, timeRange } from "../../src/queries/index.ts";

/** Epoch seconds of a UTC wall time, written out independently of the code under test. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

const HOUR = 3600;

describe("time range ends", () => {
  it("read databroker's strings at every granularity, in the zone given", () => {
    const zone = "America/New_York"; // EDT (UTC-4) on 2015-03-30, EST (UTC-5) on 2015-01-01
    const cases: Array<[string, number]> = [
      ["2015", utc(2015, 1, 1) + 5 * HOUR],
      ["2015-03", utc(2015, 3, 1) + 5 * HOUR],
      ["2015-03-30", utc(2015, 3, 30) + 4 * HOUR],
      ["2015-03-30 03", utc(2015, 3, 30, 3) + 4 * HOUR],
      ["2015-03-30 03:00", utc(2015, 3, 30, 3) + 4 * HOUR],
      ["2015-03-30 03:00:00", utc(2015, 3, 30, 3) + 4 * HOUR],
      ["  2015-3-5 7:05:09 ", utc(2015, 3, 5, 7, 5, 9) + 5 * HOUR],
      ["2015-03-30T03:00:00", utc(2015, 3, 30, 3) + 4 * HOUR],
      ["2015-03-30T03:00:00Z", utc(2015, 3, 30, 3)],
      ["2015-03-30T03:00:00+05:30", utc(2015, 3, 30, 3) - 5.5 * HOUR],
      ["2015-03-30T03:00:00.125-0200", utc(2015, 3, 30, 5) + 0.125],
      ["2016-02-29", utc(2016, 2, 29) + 5 * HOUR],
    ];
    for (const [text, expected] of cases) assert.equal(parseTime(text, zone), expected, text);
    assert.equal(parseTime(1_427_698_800.5, zone), 1_427_698_800.5);
  });

  it("follow each zone's offsets: no DST, half-hour zones, the southern hemisphere", () => {
    assert.equal(parseTime("2015-06-01 12:00", "UTC"), utc(2015, 6, 1, 12));
    assert.equal(parseTime("2015-06-01 12:00", "Asia/Kolkata"), utc(2015, 6, 1, 12) - 5.5 * HOUR);
    // Sydney: AEST (UTC+10) in June, AEDT (UTC+11) in January.
    assert.equal(parseTime("2015-06-01 12:00", "Australia/Sydney"), utc(2015, 6, 1, 2));
    assert.equal(parseTime("2015-01-15 12:00", "Australia/Sydney"), utc(2015, 1, 15, 1));
    // Lord Howe moves by half an hour: UTC+10:30 in winter, UTC+11 in summer.
    assert.equal(parseTime("2015-06-01 12:00", "Australia/Lord_Howe"), utc(2015, 6, 1, 1, 30));
    assert.equal(parseTime("2015-01-15 12:00", "Australia/Lord_Howe"), utc(2015, 1, 15, 1));
  });

  it("read wall times next to DST changes exactly, and refuse skipped or repeated ones", () => {
    const zone = "America/New_York"; // 2015-03-08 02:00 EST -> 03:00 EDT; 2015-11-01 02:00 EDT -> 01:00 EST
    assert.equal(parseTime("2015-03-08 01:59:59", zone), utc(2015, 3, 8, 6, 59, 59));
    assert.equal(parseTime("2015-03-08 03:00", zone), utc(2015, 3, 8, 7));
    assert.equal(parseTime("2015-11-01 00:59:59", zone), utc(2015, 11, 1, 4, 59, 59));
    assert.equal(parseTime("2015-11-01 02:00", zone), utc(2015, 11, 1, 7));
    assert.throws(() => parseTime("2015-03-08 02:30", zone), /does not exist in America\/New_York/);
    assert.throws(() => parseTime("2015-11-01 01:30", zone), /ambiguous in America\/New_York/);
    // The offset form names one instant of the repeated hour.
    assert.equal(parseTime("2015-11-01T01:30:00-04:00", zone), utc(2015, 11, 1, 5, 30));
    assert.equal(parseTime("2015-11-01T01:30:00-05:00", zone), utc(2015, 11, 1, 6, 30));
    // London: the clocks go forward at 01:00 UTC on 2015-03-29.
    assert.throws(() => parseTime("2015-03-29 01:30", "Europe/London"), /does not exist/);
    assert.equal(parseTime("2015-03-29 02:00", "Europe/London"), utc(2015, 3, 29, 1));
    // Sydney: the clocks go back at 03:00 AEDT on 2015-04-05, so 02:30 happens twice.
    assert.throws(() => parseTime("2015-04-05 02:30", "Australia/Sydney"), /ambiguous/);
    // Lord Howe's half-hour change: 02:00 -> 02:30 on 2015-10-04.
    assert.throws(() => parseTime("2015-10-04 02:15", "Australia/Lord_Howe"), /does not exist/);
    assert.equal(parseTime("2015-10-04 02:30", "Australia/Lord_Howe"), utc(2015, 10, 3, 15, 30));
  });

  it("refuse what is not a time", () => {
    for (const text of [
      "2015-02-29",
      "2015-13",
      "2015-03-30 24:00",
      "2015-03-30 03:60",
      "March 2015",
      "15",
      "2015-03-30 03:00+01:00",
    ]) {
      assert.throws(() => parseTime(text, "UTC"), Error, text);
    }
    assert.throws(() => parseTime(Number.NaN, "UTC"), /finite/);
    assert.throws(
      () => timeRange({ since: "2015-03-08 02:30", timezone: "America/New_York" }),
      ValidationError,
    );
  });

  it("default to the machine's zone, as databroker does", () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = "Asia/Tokyo";
      assert.equal(localTimeZone(), "Asia/Tokyo");
      assert.deepEqual(timeRange({ since: "2015" }), {
        op: "timeRange",
        since: utc(2015, 1, 1) - 9 * HOUR,
        timezone: "Asia/Tokyo",
      });
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it("select the half-open range since <= start.time < until", () => {
    const range = timeRange({ since: "2015-03-30", until: "2015-03-31", timezone: "Europe/Paris" });
    const since = utc(2015, 3, 29, 22);
    const run = (time: number) => ({ start: { uid: "u", time }, stop: null });
    assert.equal(matches(range, run(since - 0.001)), false);
    assert.equal(matches(range, run(since)), true);
    assert.equal(matches(range, run(since + 86_399.999)), true);
    assert.equal(matches(range, run(since + 86_400)), false);
    assert.equal(matches(timeRange({ until: since, timezone: "UTC" }), run(since - 1)), true);
    assert.equal(matches(timeRange({ since, until: since, timezone: "UTC" }), run(since)), false);
  });
});

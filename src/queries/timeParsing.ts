// Times as databroker users write them, read into epoch seconds when a query is built (adapters only see
// numbers): epoch numbers, the databroker strings '2015' .. '2015-03-30 03:00:00', and ISO 8601 with or
// without an offset. Wall times without an offset are read in an IANA time zone; as databroker (pytz with
// is_dst=None) does, a wall time that a DST change skips or repeats is an error, not a guess.

/** The machine's zone, databroker's default (honours the TZ environment variable). */
export function localTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Why `timeZone` is not an IANA zone name, or undefined when it is. */
export function timeZoneProblem(timeZone: unknown): string | undefined {
  if (typeof timeZone !== "string" || timeZone === "") return "a time zone is an IANA name like Europe/Paris";
  try {
    formatterOf(timeZone);
    return undefined;
  } catch {
    return `unknown time zone ${JSON.stringify(timeZone)}`;
  }
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall time of an instant (whole seconds) in a zone. */
function wallTimeAt(epochMs: number, timeZone: string): WallTime {
  const fields: Record<string, string> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(epochMs))) fields[part.type] = part.value;
  const year = Number(fields.year);
  return {
    year: fields.era === "BC" || fields.era === "B" ? 1 - year : year,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
  };
}

function wallAsUtcMs(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return date.getTime();
}

/** The zone's offset from UTC at an instant, in ms (local minus UTC). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  return wallAsUtcMs(wallTimeAt(whole, timeZone)) - whole;
}

const DAY_MS = 86_400_000;

/**
 * The instants whose wall time in `timeZone` is `wall`: one normally, none in a DST gap, two in a DST
 * overlap. Offsets are sampled a day either side, which sees any one transition near the wall time.
 */
function instantsOf(wall: WallTime, timeZone: string): number[] {
  const asUtc = wallAsUtcMs(wall);
  const offsets = new Set([zoneOffsetMs(asUtc - DAY_MS, timeZone), zoneOffsetMs(asUtc + DAY_MS, timeZone)]);
  const instants: number[] = [];
  for (const offset of offsets) {
    const candidate = asUtc - offset;
    if (zoneOffsetMs(candidate, timeZone) === offset) instants.push(candidate);
  }
  return instants.sort((a, b) => a - b);
}

// 2015 | 2015-03 | 2015-03-30 | then ' ' or 'T' and 03 | 03:00 | 03:00:00(.fff), then Z or ±hh:mm (ISO only).
const TIME_TEXT =
  /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:([T ])(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(\.\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Epoch seconds of a time given as epoch seconds, a databroker string or ISO 8601 text. Throws an Error whose
 * message says what is wrong (callers wrap it with where the time came from).
 */
export function parseTime(value: number | string, timeZone: string): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`time ${value} is not a finite number of epoch seconds`);
    return value;
  }
  const text = value.trim();
  const match = TIME_TEXT.exec(text);
  if (!match) {
    throw new Error(
      `cannot read time ${JSON.stringify(value)}: use epoch seconds, '2015', '2015-03', '2015-03-30', ` +
        `'2015-03-30 03:00', '2015-03-30 03:00:00' or ISO 8601 like '2015-03-30T03:00:00+01:00'`,
    );
  }
  const [, year, month = "1", day = "1", separator, hour = "0", minute = "0", second = "0", fraction, zone] =
    match;
  const wall: WallTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
  };
  if (wall.month < 1 || wall.month > 12) throw new Error(`time ${JSON.stringify(value)}: no month ${month}`);
  if (wall.day < 1 || wall.day > daysInMonth(wall.year, wall.month))
    throw new Error(`time ${JSON.stringify(value)}: no day ${day} in ${year}-${month}`);
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59)
    throw new Error(`time ${JSON.stringify(value)}: no such time of day`);
  if (separator === " " && zone) throw new Error(`time ${JSON.stringify(value)}: an offset needs ISO's 'T'`);
  // Milliseconds are added as integers, so a time printed by formatTime reads back to the same double.
  const exactMs = !fraction || fraction.length <= 4;
  const fractionMs = fraction && exactMs ? Number(fraction.slice(1).padEnd(3, "0")) : 0;
  const epochOf = (utcMs: number) => (utcMs + fractionMs) / 1000 + (exactMs ? 0 : Number(fraction));
  if (zone) {
    const sign = zone === "Z" ? 0 : zone[0] === "-" ? -1 : 1;
    const digits = zone.replace(/[^0-9]/g, "");
    const offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
    return epochOf(wallAsUtcMs(wall) - offsetMinutes * 60_000);
  }
  const instants = instantsOf(wall, timeZone);
  if (instants.length === 0) {
    throw new Error(`time ${JSON.stringify(value)} does not exist in ${timeZone} (skipped by a DST change)`);
  }
  if (instants.length > 1) {
    throw new Error(
      `time ${JSON.stringify(value)} is ambiguous in ${timeZone} (repeated by a DST change): ` +
        "give an offset, like 2015-11-01T01:30:00-05:00",
    );
  }
  return epochOf(instants[0]);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/**
 * ISO 8601 text with the zone's offset (`2015-03-30T03:00:00+02:00`, milliseconds when present) that reads
 * back to exactly `epochSeconds`; undefined when none does (sub-millisecond times, offsets with seconds,
 * years outside 1000..9999).
 */
export function formatTime(epochSeconds: number, timeZone: string): string | undefined {
  const epochMs = epochSeconds * 1000;
  if (!Number.isInteger(epochMs) || epochMs / 1000 !== epochSeconds) return undefined;
  const offset = zoneOffsetMs(epochMs, timeZone);
  if (offset % 60_000 !== 0) return undefined;
  const local = new Date(epochMs + offset);
  const year = local.getUTCFullYear();
  if (year < 1000 || year > 9999) return undefined;
  const ms = local.getUTCMilliseconds();
  const minutes = Math.abs(offset) / 60_000;
  const sign = offset < 0 ? "-" : "+";
  return (
    `${year}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:` +
    `${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ""}` +
    `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
  );
}

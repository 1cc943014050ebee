/**
 * Znuny writes its DATETIME columns as wall-clock text in its own time zone (`OTRSTimeZone`,
 * UTC by default) and its clock-dependent columns (`escalation_time`, `until_time`) as Unix
 * seconds. These convert between that text and instants.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formats.set(zone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a zone, as epoch milliseconds read as if UTC. */
function wallMs(ms: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const part of format(zone).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

const TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;

/** The instant a Znuny DATETIME text names in `zone`; null for null, empty or zero dates. */
export function fromZnunyTime(text: string | null, zone: string): Date | null {
  const m = text ? TEXT.exec(text) : null;
  if (!m || m[1] === '0000') return null;
  const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (zone === 'UTC') return new Date(asUtc);
  // The zone's offset at the guess, then once more at the corrected instant (DST edges).
  let ms = asUtc - (wallMs(asUtc, zone) - asUtc);
  ms = asUtc - (wallMs(ms, zone) - ms);
  return new Date(ms);
}

/** An instant as Znuny's DATETIME text in `zone` (whole seconds). */
export function toZnunyTime(date: Date, zone: string): string {
  const ms = zone === 'UTC' ? date.getTime() : wallMs(date.getTime(), zone);
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A Unix-seconds column (`escalation_time`, `until_time`): 0 or null is none. */
export function fromUnixSeconds(seconds: number | string | null): Date | null {
  const n = Number(seconds ?? 0);
  return n > 0 ? new Date(n * 1000) : null;
}

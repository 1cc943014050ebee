/**
 * The measuring method every engine of the benchmark shares (bench/run.ts, postgres-bench.ts,
 * znuny-bench.ts): load runs with autocannon, and paired rounds.
 *
 * Paired rounds: a shared machine's load comes and goes within seconds, so comparing a floor run
 * with a service run made a minute later compares two machines. Each round therefore runs the
 * floor and the service back to back in short windows (`--duration`, 2 s by default), floor first
 * in odd rounds and service first in even ones (ABBA: a drift within a pair favours neither), and
 * keeps the ratio of that pair with the 1-minute load average at its start. A screen's
 * service/floor figure is the median of its paired ratios; each ratio is stored in the results.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';

/** One load run of one target. */
export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Peak RSS of the target's processes during the run (sampled every 100 ms), MB; null when not sampled. */
  rssMaxMb: number | null;
  rssEndMb: number | null;
}

/** What a load run sends: one request, repeated. */
export interface LoadRequest {
  readonly path: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** A target under load: its base URLs (several replicas share the connections) and the processes whose RSS is sampled. */
export interface LoadTarget {
  readonly name: string;
  readonly urls: readonly string[];
  /** Processes whose RSS is sampled (the first one's); none: not sampled. */
  readonly pids?: readonly number[];
}

/** VmRSS of a process in MB (null when it is gone). */
export function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * One load run of `window` seconds (or, `{ amount }`, until that many requests are answered) at
 * `connections` connections (split over the target's URLs, their req/s summed). p50 and p99
 * come from every response's latency, not from autocannon's 1 ms histogram. Throws on any
 * error, non-2xx answer or timeout (`timeoutS` per request, 10 s).
 */
export async function loadRun(t: LoadTarget, r: LoadRequest, window: number | { amount: number }, connections: number, timeoutS = 10): Promise<Sample> {
  const latencies: number[] = [];
  const pid = t.pids?.[0];
  let rssMax: number | null = null;
  const sampler =
    pid === undefined
      ? null
      : setInterval(() => {
          const v = rssMb(pid);
          if (v !== null) rssMax = Math.max(rssMax ?? 0, v);
        }, 100);
  const per = Math.max(1, Math.round(connections / t.urls.length));
  try {
    const results = await Promise.all(
      t.urls.map((u) => {
        // autocannon notices that the amount is answered at its next sample tick (1 s by default): 10 ms here.
        const limit = typeof window === 'number' ? { duration: window } : { amount: Math.max(per, Math.round(window.amount / t.urls.length)), sampleInt: 10 };
        const instance = autocannon({ url: u + r.path, method: r.method, headers: r.headers, body: r.body, connections: per, ...limit, timeout: timeoutS });
        instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
          if (status === 200) latencies.push(ms);
        });
        return instance;
      }),
    );
    for (const x of results) {
      if (x.errors > 0 || x.non2xx > 0 || x.timeouts > 0) throw new Error(`${t.name}: ${x.errors} errors, ${x.non2xx} non-2xx, ${x.timeouts} timeouts`);
    }
    latencies.sort((a, b) => a - b);
    return {
      rps: results.reduce((sum, x) => sum + x.requests.total / x.duration, 0),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      rssMaxMb: rssMax,
      rssEndMb: pid === undefined ? null : rssMb(pid),
    };
  } finally {
    if (sampler) clearInterval(sampler);
  }
}

/** The order of a pair in round `round` (1-based): floor first in odd rounds, service first in even ones. */
export function pairOrder<T>(round: number, floor: T, service: T): [T, T] {
  return round % 2 === 1 ? [floor, service] : [service, floor];
}

/** The 1-minute load average now. */
export function loadAverage(): number {
  return round(loadavg()[0] ?? 0);
}

/** One paired round of a screen, as results.json stores it. */
export interface PairedRound {
  readonly round: number;
  /** Which of the pair ran first. */
  readonly first: 'floor' | 'service';
  /** The 1-minute load average when the pair started. */
  readonly loadAvg: number;
  readonly floorRps: number;
  readonly serviceRps: number;
  /** serviceRps / floorRps of this pair. */
  readonly ratio: number;
}

/** A pair's record from its two samples. */
export function pairedRound(round: number, loadAvg: number, floor: Sample, service: Sample): PairedRound {
  return {
    round,
    first: round % 2 === 1 ? 'floor' : 'service',
    loadAvg,
    floorRps: roundRps(floor.rps),
    serviceRps: roundRps(service.rps),
    ratio: round4(service.rps / floor.rps),
  };
}

/** Median, lowest and highest of the paired ratios. */
export function pairedStats(rounds: readonly { ratio: number }[]): { median: number; min: number; max: number } {
  const ratios = rounds.map((r) => r.ratio);
  // The median to three digits: a target of 0.65 is judged on 0.647, not on its rounding to 0.65.
  return { median: round(median(ratios), 3), min: round(Math.min(...ratios)), max: round(Math.max(...ratios)) };
}

export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const round4 = (x: number) => round(x, 4);
/** req/s to three significant digits or whole numbers (a screen of a request a second keeps its decimals). */
export const roundRps = (x: number) => (x >= 100 ? Math.round(x) : x >= 10 ? round(x, 1) : round(x, 2));

/** The lowest and highest load average of some rounds, as text. */
export function loadRange(rounds: readonly { loadAvg: number }[]): string {
  if (rounds.length === 0) return '–';
  const xs = rounds.map((r) => r.loadAvg);
  return `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
}

/** A Markdown-like table with right-aligned numbers (the first column left-aligned). */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) => '| ' + row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
  return [line(rows[0]!), '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|', ...rows.slice(1).map(line)].join('\n');
}

/** Where two answers first differ (a path and both values), or null when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = 'data'): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as any)[k], (b as any)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
}

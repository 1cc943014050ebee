// The part of autocannon's API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
    /** Requests to send instead of a duration. */
    amount?: number;
    /** Milliseconds between samples (1000); a run with an amount ends at the first sample after it. */
    sampleInt?: number;
    pipelining?: number;
    /** Seconds before a request counts as a timeout (10). */
    timeout?: number;
  }
  interface Histogram {
    average: number;
    mean: number;
    p50: number;
    p99: number;
  }
  interface Result {
    requests: Histogram & { total: number };
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }
  type Instance = EventEmitter & Promise<Result>;
  function autocannon(options: Options): Instance;
  export = autocannon;
}

import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The service's Prometheus metrics, one registry per running service (no global state). */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new Counter({
    name: 'helpdesk_datasource_operations_total',
    help: 'Round trips to data sources: one per SQL statement executed, one per LDAP search page sent.',
    labelNames: ['source', 'kind'] as const,
    registers: [this.registry],
  });
  private readonly requests = new Counter({
    name: 'helpdesk_graphql_requests_total',
    help: 'GraphQL requests by operation name.',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'helpdesk_graphql_request_duration_seconds',
    help: 'GraphQL request duration by operation name.',
    labelNames: ['operation'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly operationNames = new Set<string>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'helpdesk_' });
  }

  /** A counter function for one source: call it once per statement or search page. */
  operationCounter(source: string, kind: string): () => void {
    const child = this.operations.labels(source, kind);
    return () => child.inc();
  }

  /** Total round trips so far, over all sources (tests compare it before and after a request). */
  async operationCount(): Promise<number> {
    const metric = await this.operations.get();
    return metric.values.reduce((sum, v) => sum + v.value, 0);
  }

  /** Records one GraphQL request. Operation names are client-chosen, so their number is capped. */
  observeRequest(operationName: string | null | undefined, seconds: number): void {
    let name = operationName && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(operationName) ? operationName : 'anonymous';
    if (!this.operationNames.has(name)) {
      if (this.operationNames.size >= 200) name = 'other';
      else this.operationNames.add(name);
    }
    this.requests.labels(name).inc();
    this.duration.labels(name).observe(seconds);
  }
}

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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
  /** The request metrics of each operation name seen (at most 200, then 'other'), made once per name. */
  private readonly operationMetrics = new Map<string, { requests: { inc(): void }; duration: { observe(seconds: number): void } }>();
  /** Open WebSocket connections (graphql-ws). */
  readonly liveConnections = new Gauge({
    name: 'helpdesk_live_connections',
    help: 'Open WebSocket connections of live subscriptions.',
    registers: [this.registry],
  });
  /** Active subscriptions. */
  readonly liveSubscriptions = new Gauge({
    name: 'helpdesk_live_subscriptions',
    help: 'Active subscriptions (customerChanged, customersChanged).',
    registers: [this.registry],
  });
  /** Pushes sent to subscribers. */
  readonly livePushes = new Counter({
    name: 'helpdesk_live_pushes_total',
    help: 'Subscription pushes sent.',
    registers: [this.registry],
  });
  /** Push ticks: rounds in which every due subscription is pushed with one shared load. */
  readonly liveTicks = new Counter({
    name: 'helpdesk_live_ticks_total',
    help: 'Push ticks (every due subscription pushed with one shared load).',
    registers: [this.registry],
  });
  /** Time from the commit of a write to the push it caused. */
  readonly livePushLatency = new Histogram({
    name: 'helpdesk_live_write_to_push_seconds',
    help: 'Time from the commit of a write to a push it caused.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.35, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  /** Closed WebSocket connections by reason. */
  readonly liveDisconnections = new Counter({
    name: 'helpdesk_live_disconnections_total',
    help: 'Closed WebSocket connections by reason (client, unauthorized, forbidden, slow_consumer, ping_timeout, shutdown, ...).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

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
    const name = operationName && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(operationName) ? operationName : 'anonymous';
    let metrics = this.operationMetrics.get(name);
    if (!metrics) {
      const label = this.operationMetrics.size >= 200 ? 'other' : name;
      metrics = this.operationMetrics.get(label) ?? { requests: this.requests.labels(label), duration: this.duration.labels(label) };
      this.operationMetrics.set(label, metrics);
    }
    metrics.requests.inc();
    metrics.duration.observe(seconds);
  }
}

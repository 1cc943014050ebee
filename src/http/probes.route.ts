import type { ServerResponse } from 'node:http';
import type { Metrics } from '../metrics/metrics';
import type { DataSourceRegistry } from '../registry/data-source-registry';
import { sendJson } from './error.response';

/** `GET /healthz`: 200 while the process serves. */
export function healthz(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

/** `GET /readyz`: 200 when every source answered its check, else 503 naming the failed ones. */
export async function readyz(res: ServerResponse, sources: Pick<DataSourceRegistry, 'check'>): Promise<void> {
  const checks = await sources.check();
  const failed = checks.filter((c) => !c.status.available);
  sendJson(res, failed.length === 0 ? 200 : 503, {
    status: failed.length === 0 ? 'ready' : 'unavailable',
    sources: checks.map((c) => ({ id: c.id, available: c.status.available, ...(c.status.reason && { reason: c.status.reason }) })),
  });
}

/** `GET /metrics`: Prometheus text format. */
export async function metrics(res: ServerResponse, registry: Metrics['registry']): Promise<void> {
  const text = await registry.metrics();
  res.writeHead(200, { 'content-type': registry.contentType });
  res.end(text);
}

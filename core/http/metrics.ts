/**
 * Prometheus metrics for a JSON server (prom-client): every answered request counted and
 * timed by route pattern, method and status, plus gauges the caller reads from its own state
 * at scrape time (so a scrape always shows the state now, and nothing is updated on the hot path).
 *
 *   const metrics = createMetrics({ prefix: 'session_node_' });
 *   metrics.gauge('chain_height', 'Highest block processed', () => tracker.status().height);
 *   createJsonServer({ routes: [...routes, metrics.route], observe: metrics.observe });
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { route, textReply, type Route } from './server.ts';

export type Metrics = {
  registry: Registry;
  /** GET /metrics in Prometheus' text format. */
  route: Route;
  /** Pass as the JSON server's `observe` option. */
  observe: (request: { route: string; method: string; status: number; seconds: number }) => void;
  /** A gauge whose value `read` returns when scraped (NaN-safe: a throwing read reports nothing). */
  gauge: (name: string, help: string, read: () => number) => void;
};

export function createMetrics(options: { prefix: string; processMetrics?: boolean }): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: options.prefix });
  const labelNames = ['route', 'method', 'status'] as const;
  const requests = new Counter({ name: `${options.prefix}http_requests_total`, help: 'HTTP requests answered, by route pattern, method and status', labelNames, registers: [registry] });
  const durations = new Histogram({
    name: `${options.prefix}http_request_duration_seconds`,
    help: 'Time to answer an HTTP request, by route pattern, method and status',
    labelNames,
    buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  return {
    registry,
    route: route('GET', '/metrics', async () => textReply(200, await registry.metrics(), registry.contentType)),
    observe({ route: r, method, status, seconds }) {
      const labels = { route: r, method, status: String(status) };
      requests.inc(labels);
      durations.observe(labels, seconds);
    },
    gauge(name, help, read) {
      new Gauge({
        name: `${options.prefix}${name}`,
        help,
        registers: [registry],
        collect() {
          try {
            const value = read();
            if (Number.isFinite(value)) this.set(value);
          } catch {
            // a broken reader must not break the scrape; the gauge keeps its last value
          }
        },
      });
    },
  };
}

/**
 * /metrics: Prometheus text, requests counted by route pattern (not raw path, so strangers
 * cannot grow the label set), gauges read from the caller's state at scrape time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJsonServer, route } from '../http/server.ts';
import { createMetrics } from '../http/metrics.ts';

describe('metrics', () => {
  it('counts answered requests by route pattern and status, and reads gauges when scraped', async () => {
    const metrics = createMetrics({ prefix: 'test_', processMetrics: false });
    let height = 7;
    metrics.gauge('chain_height', 'Highest block processed', () => height);
    metrics.gauge('broken', 'A reader that throws', () => {
      throw new Error('no state yet');
    });
    const api = createJsonServer({ routes: [metrics.route, route('GET', '/names/:name', ({ params }) => ({ name: params.name }))], observe: metrics.observe, rateLimit: false });
    const { url } = await api.listen(0);
    try {
      for (const name of ['alice', 'bob', 'carol']) assert.equal((await fetch(`${url}/names/${name}`)).status, 200);
      assert.equal((await fetch(`${url}/nowhere`)).status, 404);
      height = 9;
      const response = await fetch(`${url}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await response.text();
      assert.match(text, /^test_http_requests_total\{route="\/names\/:name",method="GET",status="200"\} 3$/m);
      assert.match(text, /^test_http_requests_total\{route="unmatched",method="GET",status="404"\} 1$/m);
      assert.doesNotMatch(text, /alice|bob|carol/, 'raw paths never become labels');
      assert.match(text, /^test_chain_height 9$/m, 'the gauge is read at scrape time');
      assert.match(text, /^# HELP test_broken A reader that throws$/m, 'a throwing reader does not break the scrape');
      assert.match(text, /^test_http_request_duration_seconds_count\{route="\/names\/:name",method="GET",status="200"\} 3$/m);
    } finally {
      await api.close(0);
    }
  });
});

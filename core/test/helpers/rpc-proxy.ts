/**
 * A loopback JSON-RPC proxy in front of anvil that tests can switch off (connections are
 * reset), make flaky (every k-th request fails), and inspect (requests seen).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RpcProxy = {
  url: string;
  setUp: (up: boolean) => void;
  /** Reset every k-th request (0 = never). */
  setFailEvery: (k: number) => void;
  requests: { method: string; params: unknown[] }[];
  /** Runs before a request is forwarded; may answer it instead (return the JSON-RPC error to send). */
  setHook: (hook?: (method: string, params: unknown[]) => Promise<{ code: number; message: string } | undefined>) => void;
  close: () => Promise<void>;
};

export async function startRpcProxy(upstream: string): Promise<RpcProxy> {
  let up = true;
  let failEvery = 0;
  let count = 0;
  const requests: RpcProxy['requests'] = [];
  let hook: Parameters<RpcProxy['setHook']>[0];
  const server: Server = createServer((req, res) => {
    count++;
    if (!up || (failEvery > 0 && count % failEvery === 0)) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let parsed: { id?: unknown; method: string; params?: unknown[] } | undefined;
      try {
        parsed = JSON.parse(body);
        requests.push({ method: parsed!.method, params: parsed!.params ?? [] });
      } catch {
        /* forwarded as is */
      }
      if (hook && parsed) {
        const error = await hook(parsed.method, parsed.params ?? []);
        if (error) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ jsonrpc: '2.0', id: parsed.id, error }));
          return;
        }
      }
      try {
        const answer = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await answer.text();
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(text);
      } catch {
        req.socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setUp: (value) => {
      up = value;
      if (!value) server.closeAllConnections();
    },
    setFailEvery: (k) => {
      failEvery = k;
      count = 0;
    },
    requests,
    setHook: (h) => {
      hook = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

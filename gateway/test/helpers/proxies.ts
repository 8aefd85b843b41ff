/**
 * Loopback proxies for the gateway's fault tests:
 *   - a JSON-RPC proxy in front of anvil that can black-hole every request (an outage where
 *     the RPC hangs, the harder case than a refused connection) and lets the test act on a
 *     request (e.g. forward a transaction, then reorg it away);
 *   - an HTTP forwarder in front of a session node that records every signing request the
 *     node receives and can hold requests for a while (to act "mid-round").
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets = new Set<Socket>();
  const server = createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return { url, sockets, close };
}

export type Intercept = (method: string, params: unknown[], forward: () => Promise<unknown>) => Promise<{ result: unknown } | undefined>;

export type ChainProxy = {
  url: string;
  /** false: every request hangs unanswered; true: answered again (hung requests are cut). */
  setUp: (up: boolean) => void;
  setIntercept: (intercept?: Intercept) => void;
  close: () => Promise<void>;
};

export async function startChainProxy(upstream: string): Promise<ChainProxy> {
  let up = true;
  let intercept: Intercept | undefined;
  const hung = new Set<ServerResponse>();
  const post = async (body: string) => {
    const answer = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: answer.status, text: await answer.text() };
  };
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    if (!up) {
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    try {
      const parsed = JSON.parse(body) as { id?: unknown; method?: string; params?: unknown[] };
      if (intercept && typeof parsed.method === 'string') {
        const forward = async () => {
          const r = JSON.parse((await post(body)).text) as { result?: unknown; error?: unknown };
          if (r.error) throw new Error(JSON.stringify(r.error));
          return r.result;
        };
        const handled = await intercept(parsed.method, parsed.params ?? [], forward);
        if (handled) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ jsonrpc: '2.0', id: parsed.id, result: handled.result }));
          return;
        }
      }
    } catch {
      /* not JSON-RPC we understand: forwarded as is */
    }
    try {
      const answer = await post(body);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.text);
    } catch {
      req.socket.destroy();
    }
  });
  return {
    url: server.url,
    setUp(value) {
      up = value;
      if (value) for (const res of hung) res.socket?.destroy();
    },
    setIntercept: (i) => (intercept = i),
    close: server.close,
  };
}

export type SignRequest = { path: string; nodeId?: string; epoch?: string; at: number };

export type NodeProxy = {
  url: string;
  requests: SignRequest[];
  /** Hold the next request to a path matching `path` for `ms` (once); resolves when it arrives. */
  holdNext: (path: RegExp, ms: number) => Promise<void>;
  close: () => Promise<void>;
};

export async function startNodeProxy(target: string): Promise<NodeProxy> {
  const requests: SignRequest[] = [];
  let hold: { path: RegExp; ms: number; arrived: () => void } | undefined;
  const server = await listen(async (req, res) => {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST' && path.startsWith('/sign/')) {
      let fields: { nodeId?: string; epoch?: string } = {};
      try {
        fields = JSON.parse(body) as typeof fields;
      } catch {
        /* recorded without them */
      }
      requests.push({ path, nodeId: fields.nodeId, epoch: fields.epoch, at: Date.now() });
    }
    if (hold && hold.path.test(path)) {
      const { ms, arrived } = hold;
      hold = undefined;
      arrived();
      await new Promise((r) => setTimeout(r, ms));
    }
    try {
      const answer = await fetch(new URL(req.url ?? '/', target), {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      const text = await answer.text();
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    } catch {
      req.socket.destroy();
    }
  });
  return {
    url: server.url,
    requests,
    holdNext: (path, ms) => new Promise<void>((arrived) => (hold = { path, ms, arrived })),
    close: server.close,
  };
}

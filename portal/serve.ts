/**
 * The portal's tiny static server: serves portal/dist and /config.json (the deployments
 * file, read on every request), so one build works on every network.
 * Usage: tsx portal/serve.ts --deployments deployments/local.json [--port 5173]
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { readDeployments } from '../sdk/src/deployments.ts';
import { buildPortal, PORTAL_DIST } from './build.ts';

export type Portal = { url: string; port: number; server: Server; stop: () => Promise<void> };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

async function staticFile(root: string, urlPath: string): Promise<{ body: Buffer; type: string; immutable: boolean } | undefined> {
  const relative = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  const path = normalize(join(root, relative));
  if (!path.startsWith(root + sep)) return undefined; // no ../ escapes
  try {
    const body = await readFile(path);
    return { body, type: TYPES[extname(path)] ?? 'application/octet-stream', immutable: relative.startsWith('/assets/') };
  } catch {
    return undefined;
  }
}

/**
 * Serves the built portal (building it first if needed) on 127.0.0.1:`port` (0 = any free port).
 * `/config.json` returns the deployments file's current contents.
 */
export async function startPortal(options: { port?: number; deploymentsFile: string; build?: boolean }): Promise<Portal> {
  const root = options.build === false ? PORTAL_DIST : await buildPortal();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/config.json') {
      try {
        const body = JSON.stringify(readDeployments(options.deploymentsFile));
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      } catch (error) {
        res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'NoDeployments', reason: (error as Error).message }));
      }
      return;
    }
    // Unknown paths fall back to the app (it has no client-side routes besides #anchors).
    const file = (await staticFile(root, path)) ?? (extname(path) ? undefined : await staticFile(root, '/'));
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res
      .writeHead(200, { 'content-type': file.type, 'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache' })
      .end(req.method === 'HEAD' ? undefined : file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // browsers keep connections alive; do not wait for them
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '5173' }, deployments: { type: 'string', default: 'deployments/local.json' }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log('Usage: tsx portal/serve.ts [--deployments FILE] [--port N]\n\nBuilds the portal if needed and serves it with FILE as /config.json (default deployments/local.json, port 5173).');
  } else {
    startPortal({ port: Number(values.port), deploymentsFile: values.deployments! })
      .then((p) => console.log(`portal: ${p.url}`))
      .catch((error) => {
        console.error(`portal: ${(error as Error).message}`);
        process.exit(1);
      });
  }
}

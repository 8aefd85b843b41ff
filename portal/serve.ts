/**
 * The portal's tiny static server: serves portal/dist and /config.json (the deployments
 * file, read on every request, no-store), so one build works on every network. Text assets go
 * out brotli- or gzip-compressed (compressed once, then kept in memory: the dist is immutable
 * while served); hashed assets are cached forever, index.html revalidated; any other path
 * without an extension is the app (client-side routes survive a reload).
 * Usage: tsx portal/serve.ts --deployments deployments/local.json [--port 5173]
 */
import { createServer, type Server } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { extname, join, normalize, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
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

const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;

type Encoded = { br: Buffer; gzip: Buffer };
const compressed = new Map<string, Encoded>();

/** Compressed forms of a text file (computed once per content; startPortal warms them all). */
function encodings(path: string, body: Buffer): Encoded {
  const key = `${path}:${createHash('sha1').update(body).digest('hex')}`;
  let e = compressed.get(key);
  if (!e) {
    e = { br: brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }), gzip: gzipSync(body, { level: 9 }) };
    compressed.set(key, e);
  }
  return e;
}

/** The best encoding the client accepts: br, then gzip, else none. */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = (acceptEncoding ?? '').split(',').map((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.find((p) => p.trim().startsWith('q='));
    return { name: name!, q: q ? Number(q.trim().slice(2)) : 1 };
  });
  const ok = (name: string) => accepted.some((a) => (a.name === name || a.name === '*') && a.q > 0);
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : undefined;
}

async function staticFile(root: string, urlPath: string): Promise<{ path: string; body: Buffer; type: string; immutable: boolean } | undefined> {
  const relative = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  const path = normalize(join(root, relative));
  if (!path.startsWith(root + sep)) return undefined; // no ../ escapes
  try {
    const body = await readFile(path);
    return { path, body, type: TYPES[extname(path)] ?? 'application/octet-stream', immutable: relative.startsWith('/assets/') };
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
  // Compress every text file before the first visitor (brotli at its best is slow: ~1 s for the bundle).
  for (const name of await readdir(root, { recursive: true })) {
    const file = await staticFile(root, `/${name}`);
    if (file && COMPRESSIBLE.test(file.type) && file.body.length > 512) encodings(file.path, file.body);
  }
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
    // Unknown paths without an extension are the app's routes (/nodes/12, /address/0x…).
    const file = (await staticFile(root, path)) ?? (extname(path) ? undefined : await staticFile(root, '/'));
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const encoding = COMPRESSIBLE.test(file.type) && file.body.length > 512 ? pickEncoding(req.headers['accept-encoding']) : undefined;
    const body = encoding ? encodings(file.path, file.body)[encoding] : file.body;
    res
      .writeHead(200, {
        'content-type': file.type,
        'content-length': String(body.length),
        'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        vary: 'accept-encoding',
        ...(encoding ? { 'content-encoding': encoding } : {}),
      })
      .end(req.method === 'HEAD' ? undefined : body);
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

/**
 * Fake session nodes in one process, one HTTP server per mode given in argv:
 *   good   answers { echo: <nonce> }          bad     answers { echo: "wrong" }
 *   refuse 422 { error, reason }              slow    answers after 10 s
 *   crash  500 not JSON                       good-delay answers after 150 ms
 *   hang   never answers (holds the request open until the client gives up)
 * GET /stats on any of them: hits per server and the most requests ever in flight at once.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const modes = process.argv.slice(2);
const hits: Record<string, number> = {};
let inFlight = 0;
let maxInFlight = 0;
const urls: string[] = [];

for (const [index, mode] of modes.entries()) {
  const name = `${index}:${mode}`;
  hits[name] = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET') return json(200, { hits, maxInFlight });
      hits[name]!++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = (fn: () => void) => () => {
        inFlight--;
        fn();
      };
      const { nonce } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { nonce?: string };
      const answer = () => json(200, { echo: nonce, node: name });
      if (mode === 'good') return done(answer)();
      if (mode === 'good-delay') return void setTimeout(done(answer), 150);
      if (mode === 'hang') return void res.on('close', () => inFlight--);
      if (mode === 'slow') return void setTimeout(done(answer), 10_000);
      if (mode === 'bad') return done(() => json(200, { echo: 'wrong', node: name }))();
      if (mode === 'refuse') return done(() => json(422, { error: 'refused', reason: 'not in my ledger' }))();
      if (mode === 'crash') return done(() => {
        res.writeHead(500);
        res.end('oops');
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}
process.stdout.write(`listening ${urls.join(' ')}\n`);

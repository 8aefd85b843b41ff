/** A JSON API server in its own process, so tests can check it survives bad input. */
import { createJsonServer, reply, route } from '../../http/server.ts';
import { array, bigintString, object, optional, parseBody, string } from '../../http/validate.ts';
import { conflict } from '../../http/errors.ts';

const Echo = object({ name: string({ min: 1, max: 20 }), amount: bigintString({ min: 0n }), tags: optional(array(string({ max: 8 }), { max: 3 })) });

const api = createJsonServer({
  bodyLimit: 1024,
  rateLimit: false,
  routes: [
    route('GET', '/health', () => ({ ok: true, pid: process.pid })),
    route('POST', '/echo', ({ body }) => {
      const input = parseBody(Echo, body);
      return { name: input.name, doubled: input.amount * 2n, tags: input.tags ?? [] };
    }),
    route('GET', '/items/:id', ({ params }) => (params.id === 'taken' ? Promise.reject(conflict('item taken')) : reply(201, { id: params.id }))),
    route('GET', '/boom', () => {
      throw new Error('handler bug');
    }),
    route('GET', '/slow', () => new Promise((r) => setTimeout(() => r({ slow: true }), 400))),
  ],
});
const { url } = await api.listen(0);
process.stdout.write(`listening ${url}\n`);
process.on('SIGTERM', async () => {
  await api.close(2_000);
  process.stdout.write('closed\n');
  process.exit(0);
});

/**
 * The writer the kill -9 test (storage-db.test.ts) runs in a child process: it stores messages
 * in a loop and prints each hash only after `store` returned, i.e. after the commit. The parent
 * kills it at a random moment and checks that every printed hash survived.
 */
import { randomBytes } from 'node:crypto';
import { openMessageDb } from '../src/storage/db.ts';

const [path, account] = process.argv.slice(2) as [string, string];
const db = openMessageDb({ path, maxBytes: 1024 * 1024 * 1024, maxAccountBytes: 1024 * 1024 * 1024 });
const expiry = Date.now() + 3_600_000;
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const hash = randomBytes(32).toString('base64url').slice(0, 43);
  db.store({ account, namespace: i % 3, hash, data: randomBytes(64 + (i % 512)), timestamp: Date.now(), expiry });
  // A synchronous write to the pipe: the line is out of this process before the next store.
  process.stdout.write(`${hash}\n`);
}

/**
 * sesh names …: search, register, renew, transfer, set-record, resolve, reverse, import-oxen.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { erc20Abi, getAddress, hexToBytes, isAddress, parseEventLogs, type Abi, type Address, type Hex } from 'viem';
import { OxenNameMigration, SessionNameRegistrar } from '../../sdk/src/generated/contracts.ts';
import { contractAddress } from '../../sdk/src/deployments.ts';
import {
  commitCall,
  lookupName,
  MAX_COMMITMENT_AGE,
  normaliseName,
  parseAccountId,
  OxenImportError,
  parseOxenImportRows,
  splitExpiredOxenRows,
  randomSecret,
  registerCall,
  registrationPrice,
  renewalPrice,
  renewCall,
  resolveName,
  primaryNameInfo,
  setVerifiedPrimaryNameCall,
  setAccountIdCall,
  setPrimaryNameCall,
  setTextCall,
  transferCall,
  type RegistrationRequest,
} from '../../sdk/src/names/index.ts';
import type { SignerClients } from '../../sdk/src/clients.ts';
import { formatSesh } from '../../sdk/src/units.ts';
import { NODE_USAGE, nodeGet, nodeUrl } from '../node-api.ts';
import { CliError, COMMON_USAGE, connect, ContractRefusal, parse, positional, send, signer, sleep, type CliCommand, type CliIo, type Context } from '../lib.ts';
import { chooseMaxPrice, MAX_PRICE_USAGE, priceText, sendPriced } from '../max-price.ts';

const date = (t: bigint) => (t === 0n ? '—' : new Date(Number(t) * 1000).toISOString());

/** Rows expiring this soon would likely be expired by the time their batch lands. */
const IMPORT_EXPIRY_MARGIN = 60n;

const expiredRowMessage = (file: string, line: number, expiry: bigint, now: bigint, margin = 0n) =>
  `${file}:${line}: expiry ${expiry} (${date(expiry)}) is not after chain time ${now} (${date(now)})${margin > 0n ? ` + ${margin} s` : ''}; ` +
  'an expired name is not imported (ExpiryNotInFuture)';

function parseYears(text: string | undefined): number {
  const years = Number(text ?? '1');
  if (!Number.isInteger(years) || years < 1 || years > 10) throw new CliError(`--years must be a whole number from 1 to 10, not "${text}"`);
  return years;
}

function parseAddress(text: string | undefined, flag: string): Address {
  if (!text || !isAddress(text)) throw new CliError(`${flag} must be an address (0x + 40 hex digits), not "${text ?? ''}"`);
  return getAddress(text);
}

/** Approves `spender` for `amount` if the current allowance is lower. */
async function ensureAllowance(s: SignerClients, ctx: Context, spender: Address, amount: bigint, io: CliIo): Promise<void> {
  const token = contractAddress(ctx.deployments, 'SESH');
  const current = await s.publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'allowance', args: [s.account.address, spender] });
  if (current >= amount) return;
  io.out(`approving ${formatSesh(amount)} SESH to ${spender}…`);
  await send(s, { address: token, abi: erc20Abi as Abi, functionName: 'approve', args: [spender, amount] });
}

const searchUsage = `Usage: npm run sesh -- names search NAME [options]

Shows whether NAME is available, its price, owner, expiry and the account it points to.

${COMMON_USAGE}`;

const registerUsage = `Usage: npm run sesh -- names register NAME --account-id 05… [--owner 0x…] [--years N] [--max-price SESH] [options]

Registers NAME by commit–reveal: shows and approves the price, commits, waits at least 60 s,
then registers, paying at most the price shown. The secret is kept in --state-dir until the
name is registered, so an interrupted run resumes with the same commitment when started again.

  --account-id ID    Session account ID the name points to (05 + 64 hex), required
  --owner 0x…        receives the name (default: the signer)
  --years N          1–10 (default 1)
  --state-dir DIR    where pending registrations are kept (default .sesh)
${MAX_PRICE_USAGE}

${COMMON_USAGE}`;

type Pending = { request: RegistrationRequest; years: number; commitment: Hex };

async function register(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(
    args,
    { 'account-id': { type: 'string' }, owner: { type: 'string' }, years: { type: 'string' }, 'state-dir': { type: 'string', default: '.sesh' }, 'max-price': { type: 'string' } },
    registerUsage,
  );
  const name = normaliseName(positional(positionals, 0, 'NAME', registerUsage));
  if (!values['account-id']) throw new CliError(`--account-id is required\n\n${registerUsage}`);
  parseAccountId(values['account-id']);
  const years = parseYears(values.years);
  const ctx = connect(values);
  const s = signer(ctx, values);
  const registrar = contractAddress(ctx.deployments, 'SessionNameRegistrar');
  const owner = values.owner ? parseAddress(values.owner, '--owner') : s.account.address;

  const info = await lookupName(s.publicClient, ctx.deployments, name);
  if (!info.available) throw new CliError(`"${name}" is taken until ${date(info.expiry)} (plus the 90-day grace period); pick another name`);
  // The price shown here is the most paid (unless --max-price allows more): a premium only
  // decays during the 60 s wait, so only an owner raising the price can make the reveal dearer.
  const price = await registrationPrice(s.publicClient, ctx.deployments, name, years);
  const maxPrice = chooseMaxPrice(price, values['max-price']);
  io.out(`registering "${name}" for ${years} year(s): ${priceText(price, maxPrice)}`);
  await ensureAllowance(s, ctx, registrar, maxPrice, io);

  // Pending state: reuse an earlier commitment for the same request if it is still usable.
  const stateFile = join(values['state-dir']!, `pending-${ctx.deployments.chainId}-${name}.json`);
  let pending: Pending | undefined;
  if (existsSync(stateFile)) {
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as Pending;
    if (saved.request.owner === owner && saved.request.accountId === values['account-id'] && saved.years === years) pending = saved;
  }
  let committedAt = 0n;
  if (pending) committedAt = await s.publicClient.readContract({ address: registrar, abi: SessionNameRegistrar.abi, functionName: 'commitments', args: [pending.commitment] });
  const now = (await s.publicClient.getBlock()).timestamp;
  if (!pending || committedAt === 0n || now >= committedAt + BigInt(MAX_COMMITMENT_AGE)) {
    const request: RegistrationRequest = { name, owner, accountId: values['account-id'], secret: randomSecret(), years };
    const { call, commitment } = commitCall(ctx.deployments, request);
    pending = { request, years, commitment };
    mkdirSync(dirname(stateFile), { recursive: true });
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(pending));
    renameSync(`${stateFile}.tmp`, stateFile); // saved before committing: a crash loses nothing
    await send(s, call);
    io.out(`committed ${commitment}`);
  } else {
    io.out(`resuming the commitment made at ${date(committedAt)}`);
  }

  const local = /127\.0\.0\.1|localhost/.test(ctx.deployments.rpcUrl);
  const started = Date.now();
  for (;;) {
    try {
      const { hash } = await sendPriced(s, registerCall(ctx.deployments, pending.request, maxPrice));
      rmSync(stateFile, { force: true });
      io.out(`registered "${name}" to ${owner} (tx ${hash})`);
      return;
    } catch (error) {
      if (!(error instanceof CliError) || !error.message.includes('CommitmentTooNew')) throw error;
      io.out(`waiting for the commitment to be 60 s old… (${Math.round((Date.now() - started) / 1000)} s)`);
      await sleep(local ? 1_000 : 5_000);
    }
  }
}

const renewUsage = `Usage: npm run sesh -- names renew NAME [--years N] [--max-price SESH] [options]

Extends NAME by N years (default 1) from its current expiry. Anyone may renew, until the
90-day grace period after expiry ends. Pays at most the price shown.

${MAX_PRICE_USAGE}

${COMMON_USAGE}`;

const transferUsage = `Usage: npm run sesh -- names transfer NAME --to 0x… [options]

Transfers NAME's token. The transfer wipes the account ID and text records; the new owner
sets new ones with set-record.

${COMMON_USAGE}`;

const setRecordUsage = `Usage: npm run sesh -- names set-record NAME [--account-id 05…] [--text KEY=VALUE]… [--primary] [options]

Sets NAME's records (as its owner):
  --account-id ID    point NAME to this Session account ID
  --text KEY=VALUE   set a text record (repeatable; an empty VALUE deletes it)
  --primary          make NAME the primary (reverse) name of the account it points to
  --verify-with FILE with --primary: sign the choice with the account's Session ed25519
                     secret key (64 hex digits in FILE), so nobody else can replace it

${COMMON_USAGE}`;

const resolveUsage = `Usage: npm run sesh -- names resolve NAME [options]

Prints the Session account ID NAME points to (nothing if it does not resolve). Reads the
chain, or asks a session node (GET /names/NAME) with --node.

${NODE_USAGE}
${COMMON_USAGE}`;

const reverseUsage = `Usage: npm run sesh -- names reverse ACCOUNT_ID [options]

Prints the primary name of a Session account ID (05 + 64 hex), marked "(verified …)" when
the account signed the choice with its own key. Reads the chain, or asks a session node
(GET /names/reverse/ACCOUNT_ID) with --node.

${NODE_USAGE}
${COMMON_USAGE}`;

const importUsage = `Usage: npm run sesh -- names import-oxen FILE [--batch-size N] [--finish] [options]

Imports Oxen (ONS) Session names from FILE (admin: the OxenNameMigration deployer). FILE has
one JSON object per line:
  {"nameHash":"0x<blake2b-256 of the lowercased name>","accountId":"05…","expiry":<unix s>,"ownerKey":"0x<ed25519 key>"}
Names already present are skipped, so an interrupted import can simply be run again.
Rows whose expiry is not after the chain's time are not sent (the contract refuses them):
each is reported as FILE:LINE: reason, and the other rows are imported.

  --batch-size N   names per transaction (default 100)
  --finish         close the import window for good after this file

${COMMON_USAGE}`;

export const command: CliCommand = {
  name: 'names',
  summary: 'Session Name Service: register, manage and look up names',
  subcommands: [
    {
      name: 'search',
      summary: 'availability, price and owner of a name',
      usage: searchUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, {}, searchUsage);
        const ctx = connect(values);
        const info = await lookupName(ctx.clients.publicClient, ctx.deployments, positional(positionals, 0, 'NAME', searchUsage));
        io.out(`name:       ${info.name}`);
        io.out(`id:         0x${info.id.toString(16).padStart(64, '0')}`);
        io.out(`available:  ${info.available ? 'yes' : 'no'}`);
        if (info.available) io.out(`price:      ${formatSesh(await registrationPrice(ctx.clients.publicClient, ctx.deployments, info.name))} SESH / year`);
        else {
          io.out(`owner:      ${info.imported ? 'unclaimed Oxen name' : (info.owner ?? '—')}`);
          io.out(`expiry:     ${date(info.expiry)}`);
          io.out(`account ID: ${info.accountId ?? '— (expired or unset)'}`);
          io.out(`renewal:    ${formatSesh(await renewalPrice(ctx.clients.publicClient, ctx.deployments, info.name))} SESH / year`);
        }
      },
    },
    { name: 'register', summary: 'register a name (commit, wait 60 s, reveal)', usage: registerUsage, run: register },
    {
      name: 'renew',
      summary: 'extend a name (anyone can)',
      usage: renewUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { years: { type: 'string' }, 'max-price': { type: 'string' } }, renewUsage);
        const name = normaliseName(positional(positionals, 0, 'NAME', renewUsage));
        const years = parseYears(values.years);
        const ctx = connect(values);
        const s = signer(ctx, values);
        const price = await renewalPrice(s.publicClient, ctx.deployments, name, years);
        const maxPrice = chooseMaxPrice(price, values['max-price']);
        io.out(`renewing "${name}" for ${years} year(s): ${priceText(price, maxPrice)}`);
        await ensureAllowance(s, ctx, contractAddress(ctx.deployments, 'SessionNameRegistrar'), maxPrice, io);
        const { hash } = await sendPriced(s, renewCall(ctx.deployments, name, years, maxPrice));
        const info = await lookupName(s.publicClient, ctx.deployments, name);
        io.out(`renewed until ${date(info.expiry)} (tx ${hash})`);
      },
    },
    {
      name: 'transfer',
      summary: 'transfer a name (wipes its records)',
      usage: transferUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { to: { type: 'string' } }, transferUsage);
        const name = normaliseName(positional(positionals, 0, 'NAME', transferUsage));
        const to = parseAddress(values.to, '--to');
        const ctx = connect(values);
        const s = signer(ctx, values);
        const { hash } = await send(s, transferCall(ctx.deployments, name, s.account.address, to));
        io.out(`transferred "${name}" to ${to}; its records were wiped (tx ${hash})`);
      },
    },
    {
      name: 'set-record',
      summary: 'set account ID, text records or primary name',
      usage: setRecordUsage,
      async run(args, io) {
        const { values, positionals } = parse(
          args,
          { 'account-id': { type: 'string' }, text: { type: 'string', multiple: true }, primary: { type: 'boolean', default: false }, 'verify-with': { type: 'string' } },
          setRecordUsage,
        );
        const name = normaliseName(positional(positionals, 0, 'NAME', setRecordUsage));
        const texts = (values.text ?? []).map((t) => {
          const at = t.indexOf('=');
          if (at <= 0) throw new CliError(`--text must be KEY=VALUE, not "${t}"`);
          return [t.slice(0, at), t.slice(at + 1)] as const;
        });
        if (!values['account-id'] && texts.length === 0 && !values.primary) throw new CliError(`nothing to set\n\n${setRecordUsage}`);
        const ctx = connect(values);
        const s = signer(ctx, values);
        if (values['account-id']) {
          await send(s, setAccountIdCall(ctx.deployments, name, values['account-id']));
          io.out(`"${name}" → ${values['account-id'].toLowerCase()}`);
        }
        for (const [key, value] of texts) {
          await send(s, setTextCall(ctx.deployments, name, key, value));
          io.out(`"${name}" text ${key} = ${value}`);
        }
        if (values['verify-with'] && !values.primary) throw new CliError('--verify-with only goes with --primary');
        if (values.primary && values['verify-with']) {
          const secret = readFileSync(values['verify-with'], 'utf8').trim().replace(/^0x/, '');
          if (!/^[0-9a-fA-F]{64}$/.test(secret)) throw new CliError(`${values['verify-with']} must hold the Session ed25519 secret key as 64 hex digits`);
          const info = await lookupName(s.publicClient, ctx.deployments, name);
          if (!info.accountId) throw new CliError(`"${name}" points to no account; set --account-id first`);
          await send(s, await setVerifiedPrimaryNameCall(s.publicClient, ctx.deployments, name, info.accountId, hexToBytes(`0x${secret}`)));
          io.out(`"${name}" is now the verified primary name of ${info.accountId}`);
        } else if (values.primary) {
          await send(s, setPrimaryNameCall(ctx.deployments, name));
          io.out(`"${name}" is now the primary name of its account`);
        }
      },
    },
    {
      name: 'resolve',
      summary: 'name → Session account ID',
      usage: resolveUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { node: { type: 'string' } }, resolveUsage);
        const name = normaliseName(positional(positionals, 0, 'NAME', resolveUsage));
        const accountId = values.node
          ? (await nodeGet<{ accountId: string }>(nodeUrl(values.node), `/names/${encodeURIComponent(name)}`, ['name_not_found']))?.accountId
          : await (async () => {
              const ctx = connect(values);
              return resolveName(ctx.clients.publicClient, ctx.deployments, name);
            })();
        if (!accountId) throw new CliError('the name does not resolve (not registered, expired, or no account ID set)');
        io.out(accountId);
      },
    },
    {
      name: 'reverse',
      summary: 'Session account ID → primary name',
      usage: reverseUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { node: { type: 'string' } }, reverseUsage);
        const accountId = positional(positionals, 0, 'ACCOUNT_ID', reverseUsage);
        parseAccountId(accountId);
        let info: { name?: string | null; verified: boolean } | undefined;
        if (values.node) info = await nodeGet(nodeUrl(values.node), `/names/reverse/${accountId}`, ['no_primary_name']);
        else {
          const ctx = connect(values);
          info = await primaryNameInfo(ctx.clients.publicClient, ctx.deployments, accountId);
        }
        if (!info?.name) throw new CliError('this account has no primary name');
        io.out(info.verified ? `${info.name} (verified by the account's key)` : info.name);
      },
    },
    {
      name: 'import-oxen',
      summary: 'import Oxen (ONS) names from a JSON-lines file (admin)',
      usage: importUsage,
      async run(args, io) {
        const { values, positionals } = parse(args, { 'batch-size': { type: 'string', default: '100' }, finish: { type: 'boolean', default: false } }, importUsage);
        const file = positional(positionals, 0, 'FILE', importUsage);
        const batchSize = Number(values['batch-size']);
        if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 500) throw new CliError('--batch-size must be 1–500');
        if (!existsSync(file)) throw new CliError(`no file at ${file}`);
        let rows;
        try {
          rows = parseOxenImportRows(readFileSync(file, 'utf8'));
        } catch (error) {
          if (error instanceof OxenImportError) throw new CliError(`${file}:${error.line}: ${error.reason}`);
          throw error;
        }
        const ctx = connect(values);
        const s = signer(ctx, values);
        const migration = contractAddress(ctx.deployments, 'OxenNameMigration');
        // Expired rows would make the contract refuse their whole batch: report and drop them.
        const now = (await s.publicClient.getBlock()).timestamp;
        const { live, expired } = splitExpiredOxenRows(rows, now + IMPORT_EXPIRY_MARGIN);
        for (const row of expired) io.err(expiredRowMessage(file, row.line, row.entry.expiry, now, IMPORT_EXPIRY_MARGIN));
        if (expired.length > 0) io.out(`not importing ${expired.length} expired row(s) (listed above)`);
        const entries = live.map((row) => row.entry);
        let imported = 0;
        for (let i = 0; i < entries.length; i += batchSize) {
          const batch = entries.slice(i, i + batchSize);
          const { hash } = await send(s, { address: migration, abi: OxenNameMigration.abi as Abi, functionName: 'importNames', args: [batch] }).catch((error) => {
            // Chain time moved past a row's expiry after the check above: name the rows.
            if (!(error instanceof ContractRefusal) || error.revert.name !== 'ExpiryNotInFuture') throw error;
            const chainNow = error.revert.args[1] as bigint;
            const late = live.slice(i, i + batchSize).filter((row) => row.entry.expiry <= chainNow);
            throw new CliError([...late.map((row) => expiredRowMessage(file, row.line, row.entry.expiry, chainNow)), `the batch starting at ${file}:${live[i]!.line} was refused; nothing in it was imported. Run again to import the rest.`].join('\n'));
          });
          const receipt = await s.publicClient.getTransactionReceipt({ hash });
          const [summary] = parseEventLogs({ abi: OxenNameMigration.abi, logs: receipt.logs, eventName: 'OxenNamesImported' });
          imported += Number(summary?.args.imported ?? 0n);
          io.out(`imported ${Math.min(i + batchSize, entries.length)}/${entries.length} (new: ${imported}, skipped: ${Math.min(i + batchSize, entries.length) - imported})`);
        }
        if (values.finish) {
          await send(s, { address: migration, abi: OxenNameMigration.abi as Abi, functionName: 'finishImport', args: [] });
          io.out('import window closed');
        }
      },
    },
  ],
};


/**
 * One identity's HTTP endpoint: a real http.Server on its own port serving the node routes it
 * is given, behind a fault layer that decides, request by request, whether the identity
 * answers at all:
 *   up       answers, except `dropFraction` of requests: half never answered, half reset;
 *   paused / hung / dead-silent   accepts the connection and never answers;
 *   dead-refuse                    the server is closed: connections are refused.
 * Requests it never answers are cut by the CALLER's timeout, as on a real network.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ed25519PublicKey, ed25519Sign, ed25519Verify } from '../../sdk/src/crypto/ed25519.ts';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { createJsonServer, route, type Route } from '../../core/http/server.ts';
import { badRequest } from '../../core/http/errors.ts';
import type { Ed25519Identity } from '../../core/keys/ed25519.ts';

export type EndpointMode = 'up' | 'paused' | 'hung' | 'silent' | 'refuse';

export type Endpoint = {
  url: string;
  port: number;
  setMode: (mode: EndpointMode) => void;
  /** The round phase measures hung nodes alone: no random drops then. */
  setDropFraction: (fraction: number) => void;
  mode: () => EndpointMode;
  stats: { received: number; dropped: number };
  close: () => Promise<void>;
};

/** The signing-style call of the hung-round measurement: sign the round's 32-byte digest. */
function signRoute(identity: Ed25519Identity): Route {
  return route('POST', '/bench/sign', ({ body }) => {
    const digest = (body as { digest?: unknown })?.digest;
    if (typeof digest !== 'string' || !/^0x[0-9a-f]{64}$/.test(digest)) throw badRequest('digest must be 0x + 32 bytes of lowercase hex');
    return { signature: `0x${bytesToHex(ed25519Sign(hexToBytes(digest.slice(2)), identity.secretKey))}` };
  });
}

export async function startEndpoint(options: { identity: Ed25519Identity; routes: readonly Route[]; dropFraction: number; random: () => number }): Promise<Endpoint> {
  const json = createJsonServer({
    routes: [...options.routes, signRoute(options.identity)],
    // Every identity's peers share 127.0.0.1: a per-IP limit here would throttle the whole network.
    rateLimit: false,
  });
  const stats = { received: 0, dropped: 0 };
  let mode: EndpointMode = 'up';
  let dropFraction = options.dropFraction;
  const [answer] = json.server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  json.server.removeAllListeners('request');
  json.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    stats.received++;
    if (mode !== 'up') return; // never answered; the caller's timeout ends it
    if (dropFraction > 0 && options.random() < dropFraction) {
      stats.dropped++;
      if (options.random() < 0.5) req.socket.destroy();
      return;
    }
    answer!(req, res);
  });
  const { url, port } = await json.listen(0, '127.0.0.1');
  let closed = false;
  const shut = async () => {
    if (closed) return;
    closed = true;
    json.server.closeAllConnections();
    await json.close(0);
  };
  return {
    url,
    port,
    stats,
    mode: () => mode,
    setDropFraction: (fraction) => (dropFraction = fraction),
    setMode(next) {
      mode = next;
      if (next === 'refuse') void shut();
    },
    close: shut,
  };
}

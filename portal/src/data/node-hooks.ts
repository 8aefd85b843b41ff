/**
 * The paged reads behind the node list, the node page and the address page: each loads when its
 * page is shown (one gateway request per page of nodes, one per node or address), never a read
 * per node ever registered. Without the gateway they fall back to one bounded chain batch and
 * say so in `source` / `error`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { erc20Abi, type Address } from 'viem';
import { SessionStaking } from '../../../sdk/src/generated/contracts.ts';
import { decodeNodeRecord } from '../../../sdk/src/staking/node-record.ts';
import { nodeView, readNewestNodes, type Env, type NodeView } from '../chain.ts';
import { fetchAddress, fetchNode, fetchNodesPage } from './gateway-data.ts';
import { FALLBACK_NODES } from './load.ts';
import type { AddressData, DataSource, Loaded, NodeEntry, NodeList, NodeListQuery } from './types.ts';

const CHAIN_API_STATUS = { AwaitingContributions: 'awaitingContributions', Active: 'running', ExitRequested: 'exitRequested', Deregistered: 'deregistered', Exited: 'exited', Cancelled: 'cancelled', None: 'cancelled' } as const;

/** A chain record without what only the gateway knows (health, opening time). */
const chainEntry = (n: NodeView): NodeEntry => ({ ...n, apiStatus: CHAIN_API_STATUS[n.status], openedAt: null, exitedAt: null, ed25519PublicKey: null, reserved: [] });

/** Every node, `query.limit` (default 50) per page, optionally one status; `loadMore` appends the next page. */
export function useNodeList(env: Env | undefined, query: NodeListQuery = {}): NodeList {
  const [nodes, setNodes] = useState<NodeEntry[]>([]);
  const [total, setTotal] = useState<number>();
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [source, setSource] = useState<DataSource>();
  const key = `${query.status ?? ''}/${query.limit ?? ''}`;
  const keyRef = useRef(key);

  const load = useCallback(
    async (from: string | null, reset: boolean) => {
      if (!env) return;
      const mine = key;
      setLoading(true);
      try {
        const page = await fetchNodesPage(env.config.gatewayUrl, query, from);
        if (keyRef.current !== mine) return;
        setNodes((old) => (reset ? page.nodes : [...old, ...page.nodes]));
        setTotal(page.total);
        setCursor(page.nextCursor);
        setSource({ kind: 'gateway', url: env.config.gatewayUrl! });
        setError(undefined);
      } catch (e) {
        if (keyRef.current !== mine) return;
        // Fallback: the newest records only, filtered here, no paging.
        try {
          const { nodes: newest, partial } = await readNewestNodes(env, FALLBACK_NODES);
          const entries = newest.map(chainEntry).filter((n) => !query.status || n.apiStatus === query.status);
          setNodes(entries);
          setTotal(undefined);
          setCursor(null);
          setSource({ kind: 'chain', reason: (e as Error).message, partial });
          setError(`The network index is unavailable (${(e as Error).message}); showing the ${FALLBACK_NODES} newest nodes from the chain, without health.`);
        } catch (chainError) {
          setError(`Could not load the nodes: ${(chainError as Error).message}`);
        }
      } finally {
        if (keyRef.current === mine) setLoading(false);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [env, key],
  );

  useEffect(() => {
    keyRef.current = key;
    setNodes([]);
    setCursor(undefined);
    void load(null, true);
  }, [load, key]);

  const loadMore = useCallback(async () => {
    if (cursor) await load(cursor, false);
  }, [cursor, load]);

  return { nodes, total, hasMore: Boolean(cursor), loading, error, loadMore, source };
}

function useLoaded<T>(run: (() => Promise<T>) | undefined, deps: unknown[]): Loaded<T> {
  const [value, setValue] = useState<T>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const generation = useRef(0);
  const refresh = useCallback(async () => {
    if (!run) return;
    const mine = ++generation.current;
    setLoading(true);
    try {
      const v = await run();
      if (mine === generation.current) {
        setValue(v);
        setError(undefined);
      }
    } catch (e) {
      if (mine === generation.current) setError((e as Error).message);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => {
    setValue(undefined);
    void refresh();
  }, [refresh]);
  return { value, loading, error, refresh };
}

/** One node (the node page): the gateway's record with health, or the chain's record alone. */
export function useNode(env: Env | undefined, id: bigint | undefined): Loaded<NodeEntry> {
  return useLoaded(
    env && id !== undefined
      ? async () => {
          try {
            return await fetchNode(env.config.gatewayUrl, id);
          } catch (e) {
            if (/not registered/.test((e as Error).message)) throw e;
            const raw = await env.client.readContract({ address: env.contracts.SessionStaking, abi: SessionStaking.abi, functionName: 'nodeRecord', args: [id] });
            const record = decodeNodeRecord(raw as readonly [readonly bigint[], readonly bigint[]]);
            if (record.status === 'None') throw new Error(`node ${id} is not registered`);
            return chainEntry(nodeView(id, record));
          }
        }
      : undefined,
    [env, id],
  );
}

/** Any address (the address page): stakes, nodes, history and rewards from the gateway, balance from the chain. */
export function useAddress(env: Env | undefined, address: Address | undefined): Loaded<AddressData> {
  return useLoaded(
    env && address
      ? async () => {
          const [indexed, balance] = await Promise.all([
            fetchAddress(env.config.gatewayUrl, address).catch((e: Error) => e),
            env.client.readContract({ address: env.contracts.SESH, abi: erc20Abi, functionName: 'balanceOf', args: [address] }),
          ]);
          if (indexed instanceof Error) {
            // Without the index only the balance is known: say so rather than show empty lists as facts.
            throw new Error(`The network index is unavailable (${indexed.message}); this address holds ${balance} atomic SESH, its stakes and history cannot be listed now.`);
          }
          return { ...indexed, balance };
        }
      : undefined,
    [env, address],
  );
}

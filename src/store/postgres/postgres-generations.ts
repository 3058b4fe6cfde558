// The store's change counters (store.ts `generations`) in PostgreSQL: a row per kind of record,
// moved in the transaction of every change of that kind (the places sqlite-generations.ts moves
// them), whichever node writes. generations() reads them from the database every time it is asked,
// so a cache that checks them before it answers never serves what another node changed and
// acknowledged; concurrent askers share one read, but only one that started after they asked.
// A change also sends NOTIFY on the schema's channel: a node's caches hear of another node's
// change at once (the identity directory reloads before the next request needs it); the counters
// stay what decides.

import pg from "pg";
import type { Generations } from "../store.js";
import type { PostgresDb, Queryable } from "./postgres-db.js";
import { CHANGES_KEPT, subjectsOfMoves } from "../generation-log.js";

export type GenerationKind = keyof Generations;

/** The channel a schema's changes are announced on. */
const channelOf = (schema: string) => `meridian_changes_${schema}`.slice(0, 63);

/**
 * Move `kind`'s counter, name what moved it (`subject`, a secret's ARN; none: anything) in
 * `generation_changes`, and announce it: inside the transaction that changes such a record, as its
 * last statement (one round trip: the counter's row is locked until COMMIT).
 */
export async function bump(tx: Queryable, schema: string, kind: GenerationKind, subject?: string): Promise<void> {
  await tx.run(
    `WITH moved AS (UPDATE generations SET n = n + 1 WHERE kind = $1 RETURNING n),
     logged AS (INSERT INTO generation_changes (kind, n, subject) SELECT $1, n, $2 FROM moved),
     pruned AS (DELETE FROM generation_changes WHERE kind = $1 AND n <= (SELECT n FROM moved) - ${CHANGES_KEPT})
     SELECT pg_notify($3, $1)`,
    [kind, subject ?? null, channelOf(schema)],
  );
}

/** What the moves of `kind` after `from`, up to `to`, changed (generation-log.ts); undefined when the log cannot say. */
export async function changedBetween(db: Pick<PostgresDb, "rows">, kind: GenerationKind, from: number, to: number): Promise<Set<string> | undefined> {
  if (to < from) return undefined;
  const rows = await db.rows<{ subject: string | null }>("SELECT subject FROM generation_changes WHERE kind = $1 AND n > $2 AND n <= $3", [kind, from, to]);
  return subjectsOfMoves(rows, from, to);
}

export interface GenerationReader {
  current(): Promise<Generations>;
}

/**
 * Reads of the counters, shared: a caller joins a read that has not been sent yet (it waits for a
 * connection), never one already sent, which might have missed a commit acknowledged before the
 * caller asked. Several reads may be under way at once.
 */
export function makeGenerationReader(db: Pick<PostgresDb, "checkout">): GenerationReader {
  let unsent: Promise<Generations> | undefined;
  const read = async (): Promise<Generations> => {
    const client = await db.checkout();
    unsent = undefined; // sent from here on: later callers start another read
    try {
      const g: Generations = { secrets: 0, keys: 0, identities: 0 };
      const { rows } = await client.query<{ kind: GenerationKind; n: number }>("SELECT kind, n FROM generations");
      for (const row of rows) if (row.kind in g) g[row.kind] = row.n;
      client.release();
      return g;
    } catch (e) {
      client.release(true);
      throw e;
    }
  };
  return {
    current: () => (unsent ??= read()),
  };
}

export interface ChangeListener {
  onChange(listener: (kind: GenerationKind) => void): void;
  close(): Promise<void>;
}

const KINDS: GenerationKind[] = ["secrets", "keys", "identities"];

/**
 * One LISTEN connection per database per process, on the channel of each schema someone listens
 * to. A lost connection is reopened after a pause (the counters keep reads right meanwhile), and
 * every listener is then told every kind may have moved.
 */
interface Hub {
  subscribe(schema: string, tell: (kind: GenerationKind) => void): () => Promise<void>;
}

const hubs = new Map<string, Hub>();

function hubFor(url: string, onError: (e: Error) => void): Hub {
  const found = hubs.get(url);
  if (found) return found;
  const bySchema = new Map<string, Set<(kind: GenerationKind) => void>>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  const tellAll = () => {
    for (const listeners of bySchema.values()) for (const l of listeners) for (const k of KINDS) l(k);
  };
  const lost = (c: pg.Client, e: Error) => {
    onError(e);
    if (client === c) client = undefined;
    void c.end().catch(() => undefined);
    if (bySchema.size > 0 && !retry) {
      retry = setTimeout(() => {
        retry = undefined;
        void connect().then(tellAll, () => undefined);
      }, 1000).unref();
    }
  };
  const connect = (): Promise<void> =>
    (connecting ??= (async () => {
      const c = new pg.Client({ connectionString: url });
      c.on("error", (e) => lost(c, e));
      c.on("notification", (n) => {
        const schema = [...bySchema.keys()].find((s) => channelOf(s) === n.channel);
        const kind = n.payload as GenerationKind;
        if (schema && KINDS.includes(kind)) for (const l of bySchema.get(schema)!) l(kind);
      });
      try {
        await c.connect();
        for (const schema of bySchema.keys()) await c.query(`LISTEN "${channelOf(schema)}"`);
        client = c;
      } catch (e) {
        lost(c, e as Error);
        throw e;
      } finally {
        connecting = undefined;
      }
    })());
  const hub: Hub = {
    subscribe(schema, tell) {
      let listeners = bySchema.get(schema);
      if (!listeners) {
        listeners = new Set();
        bySchema.set(schema, listeners);
        if (client) void client.query(`LISTEN "${channelOf(schema)}"`).catch((e: Error) => lost(client!, e));
        else void connect().catch(() => undefined);
      }
      listeners.add(tell);
      return async () => {
        listeners.delete(tell);
        if (listeners.size > 0) return;
        bySchema.delete(schema);
        if (bySchema.size > 0) {
          await client?.query(`UNLISTEN "${channelOf(schema)}"`).catch(() => undefined);
          return;
        }
        hubs.delete(url);
        if (retry) clearTimeout(retry);
        await connecting?.catch(() => undefined);
        const c = client;
        client = undefined;
        await c?.end().catch(() => undefined);
      };
    },
  };
  hubs.set(url, hub);
  return hub;
}

/** Hear of the changes committed to `schema` by any node, through the process's LISTEN connection. */
export function listenForChanges(url: string, schema: string, onError: (e: Error) => void): ChangeListener {
  const listeners: ((kind: GenerationKind) => void)[] = [];
  const unsubscribe = hubFor(url, onError).subscribe(schema, (kind) => {
    for (const l of listeners) l(kind);
  });
  return {
    onChange: (listener) => void listeners.push(listener),
    close: () => unsubscribe(),
  };
}

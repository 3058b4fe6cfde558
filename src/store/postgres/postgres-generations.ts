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
import type { Queryable } from "./postgres-db.js";

export type GenerationKind = keyof Generations;

/** The channel a schema's changes are announced on. */
const channelOf = (schema: string) => `meridian_changes_${schema}`.slice(0, 63);

/** Move `kind`'s counter and announce it: inside the transaction that changes such a record, as its last statements. */
export async function bump(tx: Queryable, schema: string, kind: GenerationKind): Promise<void> {
  await tx.run("UPDATE generations SET n = n + 1 WHERE kind = $1", [kind]);
  await tx.run("SELECT pg_notify($1, $2)", [channelOf(schema), kind]);
}

export interface GenerationReader {
  current(): Promise<Generations>;
}

export function makeGenerationReader(db: Queryable): GenerationReader {
  let running: Promise<Generations> | undefined;
  let next: Promise<Generations> | undefined;
  const read = async (): Promise<Generations> => {
    const g: Generations = { secrets: 0, keys: 0, identities: 0 };
    for (const row of await db.rows<{ kind: GenerationKind; n: number }>("SELECT kind, n FROM generations")) if (row.kind in g) g[row.kind] = row.n;
    return g;
  };
  const start = () => {
    const p = read();
    running = p;
    void p.then(
      () => running === p && (running = undefined),
      () => running === p && (running = undefined),
    );
    return p;
  };
  return {
    current() {
      if (!running) return start();
      // a read under way may have started before this caller's question: join the one after it
      next ??= running.then(
        () => ((next = undefined), start()),
        () => ((next = undefined), start()),
      );
      return next;
    },
  };
}

export interface ChangeListener {
  onChange(listener: (kind: GenerationKind) => void): void;
  close(): Promise<void>;
}

/**
 * LISTEN on the schema's channel on a connection of its own. A lost connection is reopened after a
 * pause (the counters keep reads right meanwhile); listeners are then told every kind may have moved.
 */
export function listenForChanges(config: pg.ClientConfig, schema: string, onError: (e: Error) => void): ChangeListener {
  const listeners: ((kind: GenerationKind) => void)[] = [];
  const tell = (kind: GenerationKind) => {
    for (const l of listeners) l(kind);
  };
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const c = new pg.Client(config);
    c.on("error", (e) => {
      onError(e);
      if (client === c) client = undefined;
      void c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), 1000).unref();
    });
    c.on("notification", (n) => {
      if (n.payload === "secrets" || n.payload === "keys" || n.payload === "identities") tell(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${channelOf(schema)}"`);
      if (closed) return void (await c.end());
      const reconnected = client === undefined && retry !== undefined;
      client = c;
      if (reconnected) for (const kind of ["secrets", "keys", "identities"] as const) tell(kind);
    } catch (e) {
      onError(e as Error);
      void c.end().catch(() => undefined);
      if (!closed) retry = setTimeout(() => void connect(), 1000).unref();
    }
  };
  void connect();
  return {
    onChange: (listener) => void listeners.push(listener),
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}

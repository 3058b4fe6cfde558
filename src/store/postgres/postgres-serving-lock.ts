// Which nodes serve a Region's PostgreSQL store, for the operator tools that must run with none
// serving it (`meridian admin reset-key`): every serving node holds a session-level advisory lock on
// the Region's schema in shared mode, on one connection per database per process; a tool takes it
// exclusively with pg_try_advisory_lock and, refused, names the nodes that hold it (their
// connections' application_name). A node starting while a tool holds it waits for the tool to
// finish. A lost connection loses its locks: it is opened again and they are taken again.

import { hostname } from "node:os";
import pg from "pg";

/** The first key of the two-key form ("MERI"), the second the schema's hashtext: apart from migrate's one-key locks. */
const SERVING = 0x4d455249;
const KEYS = "$1::int, hashtext($2)";
const RETRY_MS = 1000;

interface Holder {
  /** the schemas held, and by how many holds of this process */
  schemas: Map<string, number>;
  client?: pg.Client;
  /** the schemas whose lock `client` holds */
  locked: Set<string>;
  connecting?: Promise<pg.Client>;
  retry?: NodeJS.Timeout;
}

const holders = new Map<string, Holder>();

/** This node's name in pg_stat_activity, as a refused tool names the nodes serving. */
const applicationName = () => `meridian serve on ${hostname()} pid ${process.pid}`.slice(0, 63);

/** Connect and take the shared lock of every schema held, then keep the connection; lost, try again. */
function connect(url: string, h: Holder, onError: (e: Error) => void): Promise<pg.Client> {
  return (h.connecting ??= (async () => {
    const c = new pg.Client({ connectionString: url, application_name: applicationName() });
    const lost = (e: Error) => {
      onError(e);
      if (h.client === c) h.client = undefined;
      void c.end().catch(() => undefined);
      if (h.schemas.size > 0 && !h.retry) {
        h.retry = setTimeout(() => {
          h.retry = undefined;
          void connect(url, h, onError).catch(() => undefined);
        }, RETRY_MS).unref();
      }
    };
    c.on("error", lost);
    try {
      await c.connect();
      const locked = new Set<string>();
      for (const schema of h.schemas.keys()) {
        await c.query(`SELECT pg_advisory_lock_shared(${KEYS})`, [SERVING, schema]);
        locked.add(schema);
      }
      h.client = c;
      h.locked = locked;
      return c;
    } catch (e) {
      lost(e as Error);
      throw e;
    } finally {
      h.connecting = undefined;
    }
  })());
}

/**
 * Hold `schema` as served by this process until the returned function is called. Resolves once the
 * lock is held: it waits while a tool holds the store alone.
 */
export async function holdServing(url: string, schema: string, onError: (e: Error) => void): Promise<() => Promise<void>> {
  let h = holders.get(url);
  if (!h) holders.set(url, (h = { schemas: new Map(), locked: new Set() }));
  const holder = h;
  holder.schemas.set(schema, (holder.schemas.get(schema) ?? 0) + 1);
  let released = false;
  try {
    const c = holder.client ?? (await connect(url, holder, onError));
    if (!holder.locked.has(schema)) {
      await c.query(`SELECT pg_advisory_lock_shared(${KEYS})`, [SERVING, schema]);
      holder.locked.add(schema);
    }
  } catch (e) {
    await release();
    throw e;
  }
  async function release() {
    if (released) return;
    released = true;
    const left = (holder.schemas.get(schema) ?? 1) - 1;
    if (left > 0) return void holder.schemas.set(schema, left);
    holder.schemas.delete(schema);
    holder.locked.delete(schema);
    if (holder.schemas.size > 0) {
      await holder.client?.query(`SELECT pg_advisory_unlock_shared(${KEYS})`, [SERVING, schema]).catch(() => undefined);
      return;
    }
    holders.delete(url);
    if (holder.retry) clearTimeout(holder.retry);
    await holder.connecting?.catch(() => undefined);
    const c = holder.client;
    holder.client = undefined;
    await c?.end().catch(() => undefined);
  }
  return release;
}

/** A tool found nodes serving the store it must have alone. */
class StoreServed extends Error {}

/**
 * Hold `schema` alone until the returned function is called: no node serves it meanwhile, and none
 * starts. Throws StoreServed, naming the nodes, while any serves it; `where` names the store.
 */
export async function holdAlone(url: string, schema: string, where: string): Promise<() => Promise<void>> {
  const c = new pg.Client({ connectionString: url, application_name: "meridian admin" });
  c.on("error", () => undefined); // a lost connection ends the hold; the tool's next statement says so
  await c.connect();
  try {
    const { rows } = await c.query<{ held: boolean }>(`SELECT pg_try_advisory_lock(${KEYS}) AS held`, [SERVING, schema]);
    if (!rows[0]!.held) {
      const nodes = await servingNodes(c, schema);
      const named = nodes.length ? ` (${nodes.join("; ")})` : "";
      throw new StoreServed(
        `${where} is being served by ${nodes.length === 1 ? "a node" : `${nodes.length || "some"} nodes`}${named}: stop every meridian serve of it first`,
      );
    }
  } catch (e) {
    await c.end().catch(() => undefined);
    throw e;
  }
  return () => c.end().catch(() => undefined);
}

/** The connections holding `schema`'s serving lock, as their nodes named them. */
async function servingNodes(c: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await c.query<{ name: string | null; addr: string | null }>(
    `SELECT a.application_name AS name, host(a.client_addr) AS addr
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = $1::int::oid AND l.objid = hashtext($2)::oid
      ORDER BY 1`,
    [SERVING, schema],
  );
  return rows.map((r) => `${r.name || "a client"}${r.addr ? ` from ${r.addr}` : ""}`);
}

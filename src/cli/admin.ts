// `meridian admin reset-key`: the way back when the admin (operator) key is lost. Whoever holds the
// data directory and its seal, with every server of the home Region's store stopped (SQLite in the
// data directory, or PostgreSQL), gets a new key for the operator account's root user; the old one
// is revoked. The new key is printed before it is stored, and stored only if printing succeeded, so
// no key is ever kept that nobody was shown.

import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { hostname, userInfo } from "node:os";
import { makeSeal, readSealConfig } from "../seal/make-seal.js";
import { defaultTopology } from "../config/topology.js";
import { loadTopologyFile } from "../config/topology-file.js";
import { newAccessKeyId, newSecretAccessKey } from "../identity/directory.js";
import { prepareAdminKeyReset, ResetIncomplete } from "../region/admin-key-reset.js";
import { systemClock } from "../util/clock.js";
import { parseStoreConfig } from "../store/make-store.js";
import { adminKeyLines, writeStdout } from "./banner.js";

const ADMIN_USAGE = `Usage: meridian admin reset-key [options]

Recovers a lost admin access key. The operator account's root user (serve --account-id) gets a new
access key, printed here once; every other access key of that root user is deleted, so the old admin
key stops working; a ResetAdminKey event is recorded in the audit trail of the Region that holds the
account's identities (the partition's home Region). Each Region's store is the one meridian serve
opens with the same options: SQLite in the data directory, or PostgreSQL (--store, or a Region's
store: in the topology file). Needs the data directory and the seal that protects its root key, and
the server stopped: it refuses while a \`meridian serve\` holds the data directory, and while any node,
on any machine, serves the home Region's PostgreSQL store. In the one-process-per-Region shape, run
it on the data directory of the process serving the home Region; the other processes receive the
new key with the next copy of the identities. Temporary credentials the old key obtained
(GetSessionToken, an hour at most) last until they expire.

Options (environment variable in brackets), as meridian serve takes them:
  --data-dir <dir>     the data directory (MERIDIAN_DATA_DIR, default ./.meridian)
  --account-id <id>    the operator account, 12 digits (MERIDIAN_ACCOUNT_ID, default 000000000000)
  --seal <kind>        what protects the root key: file, kms or pkcs11 (MERIDIAN_SEAL, default file),
                       with its MERIDIAN_ROOT_KEY or MERIDIAN_SEAL_* variables (meridian serve --help)
  --topology <file>    the topology file meridian serve runs with (MERIDIAN_TOPOLOGY)
  --store <store>      sqlite (default) or the PostgreSQL connection string meridian serve runs with
                       (MERIDIAN_STORE); a Region's store: in the topology file wins
`;

/** Runs `meridian admin …`; returns the exit code. */
export async function admin(argv: string[], env: NodeJS.ProcessEnv, version: string): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") return writeStdout(ADMIN_USAGE), sub === undefined ? 2 : 0;
  if (sub !== "reset-key") throw new Error(`unknown admin command '${sub}' (try meridian admin --help)`);
  const { values } = parseArgs({
    args: rest,
    options: {
      "data-dir": { type: "string" },
      "account-id": { type: "string" },
      seal: { type: "string" },
      topology: { type: "string" },
      store: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return writeStdout(ADMIN_USAGE), 0;
  const accountId = values["account-id"] ?? env.MERIDIAN_ACCOUNT_ID ?? "000000000000";
  if (!/^\d{12}$/.test(accountId)) throw new Error("--account-id must be 12 digits");
  const dataDir = resolve(values["data-dir"] ?? env.MERIDIAN_DATA_DIR ?? ".meridian");
  const topologyFile = values.topology ?? env.MERIDIAN_TOPOLOGY;
  const topology = topologyFile ? loadTopologyFile(resolve(topologyFile)) : defaultTopology;
  const store = withPrefix("--store", () => parseStoreConfig(values.store ?? env.MERIDIAN_STORE));
  process.umask(0o077); // as serve: every file under the data directory is the owner's alone

  const reset = await prepareAdminKeyReset({
    dataDir,
    seal: makeSeal(readSealConfig(env, values.seal), dataDir, env),
    topology,
    store,
    accountId,
    clock: systemClock,
    operator: { user: userInfo().username, host: hostname(), userAgent: `meridian/${version} admin reset-key` },
  });
  try {
    const key = { accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() };
    const revokes = reset.partitions.flatMap((p) => p.revokes);
    const where = reset.partitions.map((p) => `${p.partition} (${p.region}, ${p.where})`).join(", ");
    // Shown first: if stdout cannot take it, this throws and nothing is stored.
    writeStdout(
      [
        `New admin access key for account ${accountId} (partition ${where}):`,
        ...adminKeyLines(key),
        "",
      ].join("\n"),
    );
    try {
      await reset.commit(key);
    } catch (e) {
      if (!(e instanceof ResetIncomplete)) throw e;
      const what =
        e.step === "audit"
          ? `the key above is stored in partition ${e.partition}, but its audit event could not be written (${e.message})`
          : `storing the key above failed in partition ${e.partition} (${e.message}): do not rely on it`;
      process.stderr.write(`meridian: ${what}; run meridian admin reset-key again\n`);
      return 1;
    }
    const revoked = revokes.length ? `revoked ${[...new Set(revokes)].join(", ")}` : "no key to revoke";
    writeStdout(`Stored; ${revoked}; recorded as ResetAdminKey in the audit trail. Start meridian serve again to use it.\n`);
    return 0;
  } finally {
    await reset.close();
  }
}

/** `f`'s one-line error, prefixed with the option it is about (as meridian serve says it). */
function withPrefix<T>(option: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new Error(`${option}: ${(e as Error).message}`, { cause: e });
  }
}

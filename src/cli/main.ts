#!/usr/bin/env node
// The `meridian` command. `meridian serve` hosts every Region of the topology in one process.

import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createSecureContext } from "node:tls";
import { availableParallelism } from "node:os";
import { startServer, type ServerOptions } from "../server.js";
import { runPrimary, runWorker, workerOf, type Started } from "./serve-workers.js";
import { status } from "./status.js";
import { endpointOf } from "./endpoint.js";
import { audit, AUDIT_USAGE } from "./audit.js";
import { accounts } from "./accounts.js";
import { backup } from "./backup.js";
import { restore } from "./restore.js";
import { startWarnings } from "./start-warnings.js";
import { makeSeal, readSealConfig } from "../seal/make-seal.js";
import { defaultTopology, findRegion } from "../config/topology.js";
import { loadTopologyFile } from "../config/topology-file.js";
import type { AuthMode } from "../edge/authenticate.js";
import type { RegionHost } from "../region/region-host.js";
import { bannerText, writeStdout } from "./banner.js";
import { admin } from "./admin.js";
import { parseStoreConfig, type StoreConfig } from "../store/make-store.js";

const HELP = `Usage: meridian <command> [options]

Commands:
  serve     Start Meridian: every Region of the built-in topology, one SQLite store per Region
            (or a PostgreSQL schema per Region, shared by several nodes: --store).
  status    Regions out of service, replication lag and outbox depth of a running Meridian
            (--endpoint <url>, else MERIDIAN_ENDPOINT, else AWS_ENDPOINT_URL, else http://127.0.0.1:4566).
  accounts  \`accounts create\`: a new account in a running Meridian, its root credentials printed once;
            \`accounts list\`: the accounts (signed with an operator account's key from
            AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; --help for options).
  audit     The audit trail: every call in every Region, allowed or denied, as CloudTrail events,
            read from the data directory (no server needed; a running one may stay up).
            \`audit verify\` checks each Region's hash chain (exit 1 if an event was edited or removed).
  admin     \`admin reset-key\`: a new admin access key when it is lost, from the data directory and its
            seal (and --store, as serve), with every server of the store stopped; the old key is
            revoked (--help for options).
  backup    Copy a data directory into one file, while Meridian serves it or not: every Region's
            store as it was at one moment, the sealed root key as it is on disk (--help for options).
  restore   Put a backup back in a data directory, checked first (refused while a server holds the
            directory; --force to replace a non-empty one); the next start reconciles the restored
            Regions with their replication peers.

Options for serve (environment variable in brackets):
  --host <addr>        address to listen on (MERIDIAN_HOST, default 127.0.0.1)
  --port <n>           port, 0 for any free one (MERIDIAN_PORT, default 4566)
  --data-dir <dir>     where the stores and the root key live (MERIDIAN_DATA_DIR, default ./.meridian)
  --auth <mode>        strict (default) or permissive (MERIDIAN_AUTH); permissive accepts any
                       well-formed SigV4 request and is meant for CI replacing an emulator; it
                       listens on loopback only and never opens a data directory made strict
  --permissive-on-network
                       let --auth permissive listen on another address, for a CI container
                       network (MERIDIAN_PERMISSIVE_ON_NETWORK=true); anyone who reaches it can
                       read and change every secret
  --account-id <id>    the default account, 12 digits (MERIDIAN_ACCOUNT_ID, default 000000000000)
  --seal <kind>        what protects the root key (MERIDIAN_SEAL): file (default, development only),
                       kms (a key in AWS KMS or another Meridian) or pkcs11 (a key in an HSM token)
  --topology <file>    a topology file (YAML or JSON) naming partitions, Regions and each Region's
                       endpoint (MERIDIAN_TOPOLOGY); the built-in topology when absent
  --store <store>      sqlite (default: a file per Region in the data directory) or a PostgreSQL
                       connection string postgres://user@host:5432/db (MERIDIAN_STORE): a schema per
                       Region, which several nodes of the Region share; a Region's store: in the
                       topology file wins
  --region <names>     host only these Regions, comma-separated (MERIDIAN_REGIONS); the others are
                       reached at their topology endpoints, replication peers signing with the shared
                       MERIDIAN_PEER_SECRET
  --tls-cert <file>    serve HTTPS with this PEM certificate (chain) (MERIDIAN_TLS_CERT); needs --tls-key
  --tls-key <file>     the certificate's PEM private key (MERIDIAN_TLS_KEY)
  --tls-ca <file>      PEM CA certificates that the certificates of https:// peers in the topology
                       must chain to (MERIDIAN_TLS_CA; default: Node's CA store and NODE_EXTRA_CA_CERTS)
  --workers <n>        processes serving the port (MERIDIAN_WORKERS, default: one per core); each
                       answers reads itself, and one more process writes every change; 1: a
                       single process does both
  --audit-retention-days <n>
                       how long audit events are kept (MERIDIAN_AUDIT_RETENTION_DAYS, default 90,
                       CloudTrail's event history; 0 keeps them for ever)
  --audit-max-mib <n>  the most each Region's audit trail may hold, in MiB of events; the oldest go
                       first (MERIDIAN_AUDIT_MAX_MIB, default 1024; 0: no bound but retention)
  --lambda-endpoint <url>
                       the AWS Lambda API that runs rotation functions other than the built-in
                       rotators (MERIDIAN_LAMBDA_ENDPOINT; signed with MERIDIAN_LAMBDA_ACCESS_KEY_ID
                       and MERIDIAN_LAMBDA_SECRET_ACCESS_KEY)
  -h, --help           show this help (every command takes --help)
  -v, --version        print Meridian's version

${AUDIT_USAGE}
First start: the admin access key comes from MERIDIAN_ADMIN_ACCESS_KEY_ID and
MERIDIAN_ADMIN_SECRET_ACCESS_KEY when set, else one is generated and printed once.

The root key is made at first start and kept in the data directory, sealed by --seal:
  file    in the clear: MERIDIAN_ROOT_KEY (32 bytes, base64), else <data-dir>/root.key
  kms     encrypted under MERIDIAN_SEAL_KMS_KEY_ID (key id, ARN or alias; required) at
          MERIDIAN_SEAL_KMS_ENDPOINT (default: AWS) in MERIDIAN_SEAL_KMS_REGION (default: AWS_REGION),
          with credentials from the AWS environment (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...)
  pkcs11  encrypted by the AES key MERIDIAN_SEAL_PKCS11_KEY_LABEL (default meridian-root-key) on the
          token MERIDIAN_SEAL_PKCS11_TOKEN_LABEL (or slot id MERIDIAN_SEAL_PKCS11_SLOT), logged in
          with MERIDIAN_SEAL_PKCS11_PIN, through MERIDIAN_SEAL_PKCS11_LIBRARY (default
          /usr/lib/softhsm/libsofthsm2.so); MERIDIAN_SEAL_PKCS11_GENERATE_KEY=true generates that
          key in the token at first start if it is absent
`;

const STATUS_USAGE = `Usage: meridian status [--endpoint <url>]

The Regions out of service (a damaged store), and replication lag and outbox depth per replica
Region, read from the running Meridian's /_meridian/health and /metrics.
  --endpoint <url>   the running Meridian (else MERIDIAN_ENDPOINT, else AWS_ENDPOINT_URL,
                     else http://127.0.0.1:4566)
`;

/** The version in package.json, beside dist/ (the CLI runs as dist/src/cli/main.js). */
function packageVersion(): string {
  const file = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

function fail(message: string): never {
  process.stderr.write(`meridian: ${message}\n`);
  process.exit(2);
}

async function serve(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "data-dir": { type: "string" },
      auth: { type: "string" },
      "account-id": { type: "string" },
      seal: { type: "string" },
      topology: { type: "string" },
      region: { type: "string" },
      "audit-retention-days": { type: "string" },
      "audit-max-mib": { type: "string" },
      "permissive-on-network": { type: "boolean" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "tls-ca": { type: "string" },
      "lambda-endpoint": { type: "string" },
      workers: { type: "string" },
      store: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  const env = process.env;
  // Decimal digits only: Number() would take "", " 80", "1e3" and "0x50" as ports.
  const portText = values.port ?? env.MERIDIAN_PORT ?? "4566";
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) fail(`invalid port '${portText}': give a number from 0 to 65535 (0 for any free port)`);
  const auth = (values.auth ?? env.MERIDIAN_AUTH ?? "strict") as AuthMode;
  if (auth !== "strict" && auth !== "permissive") fail(`--auth must be strict or permissive, not ${auth}`);
  const accountId = values["account-id"] ?? env.MERIDIAN_ACCOUNT_ID ?? "000000000000";
  if (!/^\d{12}$/.test(accountId)) fail("--account-id must be 12 digits");
  const dataDir = resolve(values["data-dir"] ?? env.MERIDIAN_DATA_DIR ?? ".meridian");
  const seal = makeSeal(readSealConfig(env, values.seal), dataDir, env);
  const topologyFile = values.topology ?? env.MERIDIAN_TOPOLOGY;
  let topology = defaultTopology;
  try {
    if (topologyFile) topology = loadTopologyFile(resolve(topologyFile));
  } catch (e) {
    fail((e as Error).message);
  }
  let store: StoreConfig = { kind: "sqlite" };
  try {
    store = parseStoreConfig(values.store ?? env.MERIDIAN_STORE);
  } catch (e) {
    fail(`--store: ${(e as Error).message}`);
  }
  const regionList = values.region ?? env.MERIDIAN_REGIONS;
  const regions = regionList?.split(",").map((r) => r.trim()).filter(Boolean);
  for (const r of regions ?? []) if (!findRegion(topology, r)) fail(`--region ${r} is not a Region of the topology`);
  const peerSecret = env.MERIDIAN_PEER_SECRET || undefined;
  const retentionText = values["audit-retention-days"] ?? env.MERIDIAN_AUDIT_RETENTION_DAYS ?? "90";
  const auditRetentionDays = Number(retentionText);
  if (!/^\d+$/.test(retentionText) || !Number.isSafeInteger(auditRetentionDays)) fail("--audit-retention-days must be a whole number of days (0 keeps events for ever)");
  const maxText = values["audit-max-mib"] ?? env.MERIDIAN_AUDIT_MAX_MIB ?? "1024";
  const auditMaxMib = Number(maxText);
  if (!/^\d+$/.test(maxText) || !Number.isSafeInteger(auditMaxMib)) fail("--audit-max-mib must be a whole number of MiB (0: no size bound)");
  if (regions && !peerSecret) fail("hosting only some Regions needs MERIDIAN_PEER_SECRET, the secret replication peers share");

  const permissiveOnNetwork = values["permissive-on-network"] === true || env.MERIDIAN_PERMISSIVE_ON_NETWORK === "true";
  const tls = readTlsOptions(values, env);

  process.umask(0o077); // every file under the data directory is the owner's alone
  const host = values.host ?? env.MERIDIAN_HOST ?? "127.0.0.1";
  const workersText = values.workers ?? env.MERIDIAN_WORKERS ?? String(availableParallelism());
  const workers = Number(workersText);
  if (!/^\d{1,3}$/.test(workersText) || workers < 1) fail("--workers must be a whole number from 1 (one process) to 999");
  const options: ServerOptions = {
    ...tls,
    host,
    port,
    dataDir,
    auth,
    accountId,
    seal,
    topology,
    regions,
    peerSecret,
    auditRetentionDays,
    auditMaxBytes: auditMaxMib * 1024 * 1024,
    permissiveOnNetwork,
    lambdaEndpoint: values["lambda-endpoint"],
    store,
  };
  const writerSocket = workerOf(env);
  if (writerSocket !== undefined) return runWorker(options, writerSocket);
  let started: Started;
  let close: () => Promise<void>;
  if (workers > 1) {
    const primary = await runPrimary(options, workers, (line) => process.stderr.write(`${line}\n`));
    ({ started, stop: close } = primary);
  } else {
    const server = await startServer(options);
    started = { url: server.url, created: server.createdAdminKey, host: server.host };
    close = () => server.close();
  }
  for (const line of startWarnings({ host, tls: tls.tls !== undefined, sealWarning: seal.warning })) process.stderr.write(line + "\n");
  writeStdout(
    bannerText({
      url: started.url,
      dataDir,
      rootKey: seal.description,
      auth,
      accountId,
      regions: [...started.host.nodes.values()].map((n) => n.info),
      created: started.created,
      followed: followedPartitions(started.host),
      workers,
    }),
  );
  const out = [...started.host.outages.keys()];
  if (out.length > 0) process.stderr.write(`!!! Out of service, their store damaged or unopenable (see the log above): ${out.join(", ")}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: finishing in-flight requests and closing the stores…\n`);
    setTimeout(() => process.exit(1), 15_000).unref();
    close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

/** Partitions whose identities this process copies from the process serving their home Region. */
function followedPartitions(host: RegionHost): { partition: string; home: string }[] {
  return host.identity.all().flatMap((p) => {
    const home = p.follows();
    return home === undefined ? [] : [{ partition: p.partition, home }];
  });
}

/** The certificate and key to serve HTTPS with (both or neither), and the CA peers must chain to. */
function readTlsOptions(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv) {
  const option = (name: string, variable: string) => (values[name] as string | undefined) ?? (env[variable] || undefined);
  const read = (file: string, what: string) => {
    try {
      return readFileSync(resolve(file));
    } catch (e) {
      fail(`cannot read the ${what} ${file}: ${(e as Error).message}`);
    }
  };
  const certFile = option("tls-cert", "MERIDIAN_TLS_CERT");
  const keyFile = option("tls-key", "MERIDIAN_TLS_KEY");
  const caFile = option("tls-ca", "MERIDIAN_TLS_CA");
  if ((certFile === undefined) !== (keyFile === undefined)) fail("--tls-cert and --tls-key go together: give both to serve HTTPS, or neither");
  const tls = certFile && keyFile ? { cert: read(certFile, "TLS certificate"), key: read(keyFile, "TLS private key") } : undefined;
  try {
    if (tls) createSecureContext(tls); // a bad pair is refused here, before the data directory is opened
  } catch (e) {
    fail(`--tls-cert ${certFile} and --tls-key ${keyFile} are not a PEM certificate and its private key: ${(e as Error).message}`);
  }
  return {
    tls,
    peerCa: caFile ? read(caFile, "TLS CA bundle") : undefined,
  };
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === "--help" || command === "-h" || command === "help") return void process.stdout.write(HELP);
  if (command === "serve") return serve(rest);
  if (command === "--version" || command === "-v" || command === "version") return void process.stdout.write(`meridian ${packageVersion()}\n`);
  if (command === "status") {
    const { values } = parseArgs({ args: rest, options: { endpoint: { type: "string" }, help: { type: "boolean", short: "h" } } });
    if (values.help) return void process.stdout.write(STATUS_USAGE);
    return void process.stdout.write(await status(endpointOf(values.endpoint, process.env)));
  }
  if (command === "accounts") return void process.stdout.write(await accounts(rest, process.env));
  if (command === "admin") return void (process.exitCode = await admin(rest, process.env, packageVersion()));
  if (command === "audit") return void (process.exitCode = await audit(rest, process.env, (text) => void process.stdout.write(text)));
  if (command === "backup" || command === "restore") {
    process.umask(0o077); // what they write may hold the root key: the owner's alone
    const write = (text: string) => void process.stdout.write(text);
    process.exitCode = command === "backup" ? await backup(rest, process.env, write, packageVersion()) : await restore(rest, process.env, write);
    return;
  }
  fail(`unknown command '${command}' (try --help)`);
}

main().catch((e: Error) => fail(e.message));

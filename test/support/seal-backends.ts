// Real backends for the seal tests: moto's KMS server as a child process on a free loopback port,
// and a fresh SoftHSM token in a temporary directory. Each says why it is missing, for a skip.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { DEFAULT_PKCS11_LIBRARY } from "../../src/seal/pkcs11-seal.js";

export function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface MotoKms {
  endpoint: string;
  region: string;
  /** two symmetric keys: the seal's, and another one */
  keyArn: string;
  otherKeyArn: string;
  /** an alias of keyArn */
  alias: string;
  stop(): Promise<void>;
}

export const motoMissing = onPath("moto_server") ? undefined : "moto_server (pip package moto[server]) is not installed: the kms seal is not tested here";

export async function startMotoKms(): Promise<MotoKms> {
  // The SDK's default credential chain finds these first, as it would an operator's.
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = "testing";
  process.env.AWS_SECRET_ACCESS_KEY = "testing";
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  const stopChild = () => stopProcess(child);
  process.once("exit", () => child.kill("SIGKILL"));
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error(`moto_server did not start in 30 s: ${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData); // werkzeug logs there; keep reading so it never blocks
      child.once("exit", (code) => reject(new Error(`moto_server exited (${code}): ${output}`)));
    });
    const region = "us-east-1";
    const { KMSClient, CreateKeyCommand, CreateAliasCommand } = await import("@aws-sdk/client-kms");
    const kms = new KMSClient({ endpoint, region });
    const create = async () => (await kms.send(new CreateKeyCommand({ Description: "meridian seal test" }))).KeyMetadata!.Arn!;
    const keyArn = await create();
    const otherKeyArn = await create();
    const alias = "alias/meridian-seal-test";
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyArn }));
    kms.destroy();
    return {
      endpoint,
      region,
      keyArn,
      otherKeyArn,
      alias,
      async stop() {
        await stopChild();
        restore("AWS_ACCESS_KEY_ID", saved.id);
        restore("AWS_SECRET_ACCESS_KEY", saved.secret);
      },
    };
  } catch (e) {
    await stopChild();
    throw e;
  }
}

export interface SoftHsmToken {
  library: string;
  tokenLabel: string;
  /** the token's slot id */
  slot: bigint;
  pin: string;
  stop(): Promise<void>;
}

export const softHsmMissing = !onPath("softhsm2-util")
  ? "softhsm2-util is not installed (Debian package softhsm2): the pkcs11 seal is not tested here"
  : !exists(DEFAULT_PKCS11_LIBRARY)
    ? `${DEFAULT_PKCS11_LIBRARY} is missing: the pkcs11 seal is not tested here`
    : undefined;

/** A freshly initialised token in its own directory; SoftHSM reads SOFTHSM2_CONF at C_Initialize. */
export async function startSoftHsmToken(tokenLabel = "meridian-seal-test", pin = "1234"): Promise<SoftHsmToken> {
  const dir = mkdtempSync(join(tmpdir(), "meridian-softhsm-"));
  mkdirSync(join(dir, "tokens"));
  const conf = join(dir, "softhsm2.conf");
  writeFileSync(conf, `directories.tokendir = ${join(dir, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const saved = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = conf;
  const init = spawnSync("softhsm2-util", ["--init-token", "--free", "--label", tokenLabel, "--pin", pin, "--so-pin", "5678"], {
    encoding: "utf8",
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`softhsm2-util --init-token failed: ${init.stderr || init.stdout}`);
  }
  const slot = /reassigned to slot (\d+)/.exec(init.stdout)?.[1];
  if (slot === undefined) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`softhsm2-util did not say the token's slot: ${init.stdout}`);
  }
  return {
    library: DEFAULT_PKCS11_LIBRARY,
    tokenLabel,
    slot: BigInt(slot),
    pin,
    async stop() {
      restore("SOFTHSM2_CONF", saved);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function exists(path: string): boolean {
  try {
    accessSync(path);
    return true;
  } catch {
    return false;
  }
}

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

// Where each seal keeps its root key in the data directory, and the rules every seal follows there:
// a new root key is written exclusively and atomically (0600), and never beside a root key that
// another seal, or MERIDIAN_ROOT_KEY, already gave the data directory's Region stores.

import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fsyncSync, linkSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { SealError } from "./seal.js";

export const SEAL_FILES = { file: "root.key", kms: "root-key.kms.json", pkcs11: "root-key.pkcs11.json" } as const;
export type SealKind = keyof typeof SEAL_FILES;
export const SEAL_KINDS = Object.keys(SEAL_FILES) as SealKind[];

/** Refuses a seal of `kind` when the data directory's root key is another seal's. */
export function assertNoOtherSeal(dataDir: string, kind: SealKind): void {
  for (const other of SEAL_KINDS) {
    if (other !== kind && existsSync(join(dataDir, SEAL_FILES[other]))) {
      throw new SealError(
        `${dataDir} holds a root key sealed by the ${other} seal (${SEAL_FILES[other]}); start with --seal ${other} (MERIDIAN_SEAL=${other})`,
      );
    }
  }
}

/** Refuses to create a new root key when the data directory already depends on another one. */
export function assertCanCreateRootKey(dataDir: string, kind: SealKind): void {
  assertNoOtherSeal(dataDir, kind);
  // Region stores (region-node.ts names them <region>.sqlite) without any seal file were made with
  // MERIDIAN_ROOT_KEY: a new root key could never open them.
  const stores = existsSync(dataDir) ? readdirSync(dataDir).filter((f) => f.endsWith(".sqlite")) : [];
  if (stores.length > 0) {
    throw new SealError(
      `${dataDir} holds Region stores but no sealed root key: they were made with MERIDIAN_ROOT_KEY (file seal); set it again`,
    );
  }
}

/** Writes a new sealed-root-key file (0600) exclusively; false when another process wrote one first. */
export function writeSealedFile(path: string, content: string): boolean {
  // Written beside, then linked into place: the file appears whole or not at all, and link() fails
  // when it already exists, so two first starts never both create a root key.
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    unlinkSync(temp);
  }
}

/** The sealed-root-key file's JSON, or undefined when there is none yet. */
export function readSealedFile(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new SealError(`${path} is not a sealed root key file (expected JSON); restore it from a backup`);
}

export function base64Field(record: Record<string, unknown>, field: string, path: string): Buffer {
  const value = record[field];
  if (typeof value !== "string" || value === "") throw new SealError(`${path} has no ${field}; restore it from a backup`);
  return Buffer.from(value, "base64");
}

/** One line from whatever a client library threw, for a SealError message. */
export function errorText(e: unknown): string {
  const err = e as { name?: unknown; message?: unknown; code?: unknown };
  const message = typeof err?.message === "string" && err.message !== "" ? err.message : String(e);
  const name = typeof err?.name === "string" && err.name !== "Error" && !message.startsWith(err.name) ? `${err.name}: ` : "";
  return (name + message).split("\n")[0]!.trim();
}

// Where permissive mode may run. A data directory records the mode it was made in, and the other
// mode refuses to open it: permissive mode would serve a strict directory's real secrets to any
// caller, and a strict server would trust state written without authentication. Permissive mode
// binds loopback only, unless the operator opts in for a CI container network.

import { closeSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { DATA_DIR_LOCK_FILE } from "../region/data-dir-lock.js";
import { isIP } from "node:net";
import { join } from "node:path";
import type { AuthMode } from "./authenticate.js";

export const AUTH_MODE_FILE = "auth-mode";

/**
 * Refuse to open a data directory made in the other mode. A directory made before modes were
 * recorded (it has files but no record) is taken as strict: the safe guess. Reads only: the
 * returned `record` writes the mode once the server has opened its stores, so a start that fails
 * before changes nothing.
 */
export function checkDataDirMode(dataDir: string, mode: AuthMode): { record(): void } {
  const recorded = recordedMode(dataDir);
  if (recorded !== undefined && recorded !== mode) throw refusal(dataDir, recorded, mode);
  const file = join(dataDir, AUTH_MODE_FILE);
  return {
    record() {
      let fd: number;
      try {
        fd = openSync(file, "wx", 0o600);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") return;
        throw e;
      }
      try {
        writeSync(fd, `${recorded ?? mode}\n`);
      } finally {
        closeSync(fd);
      }
    },
  };
}

function recordedMode(dataDir: string): AuthMode | undefined {
  const file = join(dataDir, AUTH_MODE_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    let used = false;
    try {
      used = readdirSync(dataDir).some((f) => f !== DATA_DIR_LOCK_FILE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    return used ? "strict" : undefined;
  }
  if (text !== "strict" && text !== "permissive") throw new Error(`${file} names no auth mode ('${text}'); it should read strict or permissive`);
  return text;
}

function refusal(dataDir: string, recorded: AuthMode, wanted: AuthMode): Error {
  const why =
    wanted === "permissive"
      ? "permissive mode would serve its secrets to any caller"
      : "what permissive mode wrote there was never authenticated";
  return new Error(
    `the data directory ${dataDir} was made with --auth ${recorded}; --auth ${wanted} refuses to open it (${why}). ` +
      `Use another --data-dir for --auth ${wanted}.`,
  );
}

/** 127.0.0.0/8, ::1, ::ffff:127.x and localhost: addresses no other machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || /^::ffff:127\./.test(h);
  return false;
}

/** Permissive mode listens on loopback unless `allowNetwork` (--permissive-on-network) says otherwise. */
export function checkPermissiveHost(mode: AuthMode, host: string, allowNetwork: boolean): void {
  if (mode !== "permissive" || allowNetwork || isLoopbackHost(host)) return;
  throw new Error(
    `--auth permissive listens on loopback only, not ${host}: anyone who reaches it could read and change every secret. ` +
      "For a CI container network, add --permissive-on-network (MERIDIAN_PERMISSIVE_ON_NETWORK=true).",
  );
}

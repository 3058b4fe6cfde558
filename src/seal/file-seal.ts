// The development seal: the root key from MERIDIAN_ROOT_KEY (32 bytes, base64) or from a file it
// generates once in the data directory, readable by its owner only.

import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Seal } from "./seal.js";

export function makeFileSeal(dataDir: string, env: NodeJS.ProcessEnv = process.env): Seal {
  const file = join(dataDir, "root.key");
  return {
    description: env.MERIDIAN_ROOT_KEY ? "MERIDIAN_ROOT_KEY" : file,
    async loadRootKey() {
      if (env.MERIDIAN_ROOT_KEY) return decodeRootKey(env.MERIDIAN_ROOT_KEY, "MERIDIAN_ROOT_KEY");
      if (existsSync(file)) return decodeRootKey(readFileSync(file, "utf8").trim(), file);
      const key = randomBytes(32);
      writeFileSync(file, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
      return key;
    },
  };
}

function decodeRootKey(text: string, from: string): Buffer {
  const key = Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error(`${from} must hold 32 bytes, base64-encoded (found ${key.length} bytes)`);
  return key;
}

// The development seal: the root key from MERIDIAN_ROOT_KEY (32 bytes, base64) or from a file it
// generates once in the data directory, readable by its owner only. The key is not sealed at all:
// production uses the kms or pkcs11 seal, and the start says so. A key file that others can read
// is refused: the key may already have leaked, and starting would hide that.

import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { assertCanCreateRootKey, assertNoOtherSeal, SEAL_FILES, writeSealedFile } from "./seal-files.js";
import { SealError, type Seal } from "./seal.js";

export function makeFileSeal(dataDir: string, env: NodeJS.ProcessEnv = process.env, random = randomBytes): Seal {
  const file = join(dataDir, SEAL_FILES.file);
  const readFile = () => {
    assertOwnerOnly(file);
    return decodeRootKey(readFileSync(file, "utf8").trim(), file);
  };
  return {
    description: env.MERIDIAN_ROOT_KEY ? "MERIDIAN_ROOT_KEY (file seal, development only)" : `${file} (file seal, development only)`,
    warning: env.MERIDIAN_ROOT_KEY
      ? "Warning: the root key is not sealed (MERIDIAN_ROOT_KEY, file seal): whoever reads this process's environment can decrypt every secret; use --seal kms|pkcs11 in production."
      : `Warning: the root key is kept in the clear beside the stores (${file}, file seal): whoever can read the data directory or a backup of it can decrypt every secret; use --seal kms|pkcs11 in production.`,
    async loadRootKey() {
      if (env.MERIDIAN_ROOT_KEY) {
        const key = decodeRootKey(env.MERIDIAN_ROOT_KEY, "MERIDIAN_ROOT_KEY");
        assertNoOtherSeal(dataDir, "file");
        if (existsSync(file) && !readFile().equals(key)) {
          throw new SealError(`MERIDIAN_ROOT_KEY differs from the root key in ${file}; unset it or make them the same`);
        }
        return key;
      }
      if (existsSync(file)) return readFile();
      assertCanCreateRootKey(dataDir, "file");
      const key = random(32);
      return writeSealedFile(file, key.toString("base64") + "\n") ? key : readFile();
    },
  };
}

/** Refuses a key file that group or others may read or write; touches nothing. */
function assertOwnerOnly(file: string): void {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SealError(`${file} is accessible by group or others (mode ${mode.toString(8).padStart(4, "0")}); make it the owner's alone: chmod 600 ${file}`);
  }
}

function decodeRootKey(text: string, from: string): Buffer {
  const key = Buffer.from(text, "base64");
  if (key.length !== 32) throw new SealError(`${from} must hold 32 bytes, base64-encoded (found ${key.length} bytes)`);
  return key;
}

// The development seal: the root key from MERIDIAN_ROOT_KEY (32 bytes, base64) or from a file it
// generates once in the data directory, readable by its owner only. The key is not sealed at all:
// production uses the kms or pkcs11 seal.

import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assertCanCreateRootKey, assertNoOtherSeal, SEAL_FILES, writeSealedFile } from "./seal-files.js";
import { SealError, type Seal } from "./seal.js";

export function makeFileSeal(dataDir: string, env: NodeJS.ProcessEnv = process.env, random = randomBytes): Seal {
  const file = join(dataDir, SEAL_FILES.file);
  const readFile = () => decodeRootKey(readFileSync(file, "utf8").trim(), file);
  return {
    description: env.MERIDIAN_ROOT_KEY ? "MERIDIAN_ROOT_KEY (file seal, development only)" : `${file} (file seal, development only)`,
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

function decodeRootKey(text: string, from: string): Buffer {
  const key = Buffer.from(text, "base64");
  if (key.length !== 32) throw new SealError(`${from} must hold 32 bytes, base64-encoded (found ${key.length} bytes)`);
  return key;
}

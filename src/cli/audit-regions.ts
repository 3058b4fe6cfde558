// Which Region stores `meridian audit` and `meridian audit verify` read: the ones asked for with
// --region, else every Region with a store in the data directory (the store kind knows which).

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { storedRegions } from "../store/make-store.js";

/** The data directory and the Regions asked for (`--region`, else every Region with a store there). */
export async function regionsToRead(dir: string | undefined, regions: string | undefined, env: NodeJS.ProcessEnv): Promise<{ dataDir: string; wanted: string[] }> {
  const dataDir = resolve(dir ?? env.MERIDIAN_DATA_DIR ?? ".meridian");
  if (!existsSync(dataDir)) throw new Error(`no data directory at ${dataDir}`);
  const stored = await storedRegions(dataDir);
  const wanted = regions?.split(",").map((r) => r.trim()).filter(Boolean) ?? stored;
  for (const r of wanted) if (!stored.includes(r)) throw new Error(`no store for Region ${r} in ${dataDir}`);
  return { dataDir, wanted };
}

// One Region: its own store, key service and secrets service, and its background sweep (purge of
// secrets whose recovery window ended). A Region never reads another Region's store.

import { join } from "node:path";
import type { RegionInfo } from "../config/topology.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { RegionStore } from "../store/store.js";
import { makeRegionWrapper, sameCheckValue, type RegionWrapper } from "../kms/root-key.js";
import { makeKeyService, type KeyService } from "../kms/key-service.js";
import { makeSecretsService } from "../secrets/secrets-service.js";
import { makeKmsService } from "../kms/kms-service.js";
import type { OperationTable } from "./call-context.js";
import type { Clock } from "../util/clock.js";

export interface RegionNode {
  info: RegionInfo;
  store: RegionStore;
  wrapper: RegionWrapper;
  keys: KeyService;
  /** operation tables by signing name ("secretsmanager", "kms", …) */
  services: Record<string, OperationTable>;
  sweep(): Promise<void>;
  /** forget every secret and key (permissive-mode reset) */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const ROOT_CHECK = "root-key-check";

export async function openRegionNode(info: RegionInfo, dataDir: string, rootKey: Buffer, clock: Clock): Promise<RegionNode> {
  const store = openSqliteStore(join(dataDir, `${info.name}.sqlite`));
  const wrapper = makeRegionWrapper(rootKey, info.name);
  const check = await store.getMeta(ROOT_CHECK);
  if (check === undefined) {
    await store.putMeta(ROOT_CHECK, wrapper.checkValue());
  } else if (!sameCheckValue(check, wrapper.checkValue())) {
    await store.close();
    throw new Error(`the root key does not match the one that sealed Region ${info.name}'s store; nothing was changed`);
  }
  const keys = makeKeyService({ store, region: info.name, partition: info.partition, wrapper, clock });
  const secrets = makeSecretsService({ store, keys, clock });
  const kms = makeKmsService({ keys, store, clock });
  return {
    info,
    store,
    wrapper,
    keys,
    services: { secretsmanager: secrets.operations, kms: kms.operations },
    async sweep() {
      await secrets.purgeDue();
      await kms.sweep();
    },
    async reset() {
      await store.wipe();
      keys.clearCaches();
    },
    close: () => store.close(),
  };
}

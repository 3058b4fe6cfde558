// Copying an account's identity data from its partition's home Region into another Region (DESIGN
// §6): what enabling an opt-in Region consists of. Each Region wraps secrets under its own key, so
// a copied access key is unwrapped with the home Region's wrapper and wrapped again with the target's.

import type { IdentityRepo } from "../store/store.js";
import type { RegionWrapper } from "../kms/root-key.js";
import { accessKeyWrapContext } from "./directory.js";

export interface IdentityHolder {
  store: Pick<IdentityRepo, "listAccessKeys" | "putAccessKey">;
  wrapper: RegionWrapper;
}

/** Copy every active access key of `accountId` from `home` into `target`; returns how many. */
export async function copyAccountIdentity(home: IdentityHolder, target: IdentityHolder, accountId: string): Promise<number> {
  if (home.store === target.store) return 0; // the home Region holds the originals
  let copied = 0;
  for (const key of await home.store.listAccessKeys()) {
    if (key.accountId !== accountId || key.status !== "Active") continue;
    const context = accessKeyWrapContext(key.accessKeyId);
    const secret = home.wrapper.unwrap(key.wrappedSecret, context);
    try {
      await target.store.putAccessKey({ ...key, wrappedSecret: target.wrapper.wrap(secret, context) });
    } finally {
      secret.fill(0);
    }
    copied++;
  }
  return copied;
}

/**
 * Withdraw an account's identity data from a Region it disabled: its copied keys are marked
 * Inactive there (the store keeps no deletion for access keys). Never touches the home Region.
 */
export async function withdrawAccountIdentity(home: IdentityHolder, target: IdentityHolder, accountId: string): Promise<void> {
  if (home.store === target.store) return;
  for (const key of await target.store.listAccessKeys()) {
    if (key.accountId !== accountId || key.status === "Inactive") continue;
    await target.store.putAccessKey({ ...key, status: "Inactive" });
  }
}

// Damage (issue 12 item 3), as a caller of the seam sees it: a store refuses to open on damaged
// data with a StoreFault naming its Region, and an open store that meets damage answers that call
// and every later one with one StoreFault, while it can still be closed.

import assert from "node:assert/strict";
import { it } from "node:test";
import { StoreFault } from "../../../src/store/store-fault.js";
import type { FreshStore } from "../store-conformance.js";
import { ACCOUNT, REGION, T0, key, sealed, secret } from "./fixtures.js";
import type { RegionStore } from "../../../src/store/store.js";

async function writeSome(store: RegionStore) {
  for (let i = 0; i < 50; i++) {
    await store.commitSecret({ record: secret(`app/secret-${i}`), expectedRevision: 0, putValues: [sealed("v1")], at: T0 });
    await store.putKey(key(i));
  }
  await store.putMeta("note", "kept");
}

function assertFault(e: unknown): StoreFault {
  assert.ok(e instanceof StoreFault, `a StoreFault, not ${String(e)}`);
  assert.equal(e.region, REGION);
  assert.equal(e.damaged, true);
  assert.ok(e.message.startsWith(`Region ${REGION}'s store ${e.place} is damaged: `), e.message);
  return e;
}

export function damageConformance(fresh: FreshStore): void {
  it("refuses to open a store whose data is damaged, naming its Region and place", async (t) => {
    const subject = await fresh(t);
    await writeSome(subject.store);
    await subject.reopen();
    await subject.damage();
    await assert.rejects(subject.reopen(), (e) => Boolean(assertFault(e)));
  });

  it("refuses to read the audit trail of a damaged store, naming its Region and place", async (t) => {
    const subject = await fresh(t);
    await writeSome(subject.store);
    await subject.reopen();
    await subject.damage();
    const read = async () => (await subject.auditReader()).readAuditChain();
    await assert.rejects(read(), (e) => Boolean(assertFault(e)));
  });

  it("answers the call that meets damage, and every later one, with one StoreFault; it still closes", async (t) => {
    const subject = await fresh(t);
    await writeSome(subject.store);
    const store = await subject.reopen(); // everything written is in the store's own files now
    await subject.damage();
    const met = await store.listSecrets(ACCOUNT).then(
      () => assert.fail("a read of damaged data succeeded"),
      (e: unknown) => assertFault(e),
    );
    await assert.rejects(store.getMeta("note"), (e) => e === met);
    await assert.rejects(store.allKeys(), (e) => e === met);
    await store.whenDurable(); // syncing what was committed is no read of damaged data
  });
}

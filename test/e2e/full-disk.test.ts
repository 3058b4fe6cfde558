// Issue 12 item 1: on a full disk GetSecretValue failed with 500 (its last-accessed note could not
// be written), writes failed with a message that said nothing, and every failure was logged. Now
// reads go on, a change is refused with a message that says why, the operator is told once, and
// changes are written again as soon as space is freed. The data directory is a small tmpfs the
// test mounts (root only: skipped elsewhere, with the reason).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from "@aws-sdk/client-secrets-manager";
import { startMeridian } from "../support/meridian.js";
import { rejects } from "../support/service-errors.js";

const FULL = "Region us-east-1 cannot take changes now: its store's disk is full. Reads still work; try again later.";
const FILLER = 256 * 1024;

/** A 16 MiB tmpfs, or why there cannot be one here. */
function mountSmallDisk(): { dir: string; unmount(): void } | string {
  if (process.getuid?.() !== 0) return "mounting a small tmpfs needs root (CI runs as root)";
  const dir = mkdtempSync(join(tmpdir(), "meridian-full-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", dir], { stdio: "pipe" });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs here: ${(e as Error).message.split("\n")[0]}`;
  }
  return {
    dir,
    unmount() {
      execFileSync("umount", [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills what is left of the disk with files of FILLER bytes; returns their paths. */
function fill(dir: string): string[] {
  const files: string[] = [];
  for (;;) {
    const file = join(dir, `filler-${files.length}`);
    try {
      writeFileSync(file, Buffer.alloc(FILLER));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
      rmSync(file, { force: true });
      break;
    }
    files.push(file);
  }
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `crumb-${i}`), Buffer.alloc(4096)); // the last few pages too
    } catch {
      return files;
    }
  }
}

const disk = mountSmallDisk();

test("a full disk: reads go on, changes are refused with the reason (logged once), and resume once space is freed", { skip: typeof disk === "string" ? disk : false }, async () => {
  if (typeof disk === "string") return;
  const dataDir = join(disk.dir, "data");
  mkdirSync(dataDir, { mode: 0o700 });
  const server = await startMeridian({ dataDir, regions: ["us-east-1"] });
  try {
    const sm = server.secrets();
    for (let i = 0; i < 10; i++) await sm.send(new CreateSecretCommand({ Name: `app/${i}`, SecretString: `value-${i}` }));
    const fillers = fill(disk.dir);

    // Changes fail once the WAL needs a page the disk does not have.
    let refused = 0;
    for (let i = 0; i < 400 && refused < 3; i++) {
      try {
        await sm.send(new PutSecretValueCommand({ SecretId: "app/0", SecretString: "x".repeat(30_000) }));
      } catch (e) {
        assert.equal((e as Error).name, "InternalServiceError");
        assert.equal((e as Error).message, FULL);
        refused++;
      }
    }
    assert.equal(refused, 3, "the disk filled");

    // Every secret still reads, though none was read today (its last-accessed note cannot be written).
    for (let i = 1; i < 10; i++) assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: `app/${i}` }))).SecretString, `value-${i}`);
    await rejects(sm.send(new CreateSecretCommand({ Name: "app/new", SecretString: "s" })), "InternalServiceError", FULL);
    // Told once per episode, not per refusal: a small write may still fit while the background
    // checkpoint frees WAL pages, which ends an episode ("written again") and begins another.
    const told = () => server.logs.filter((l) => l.includes("the disk is full")).length;
    const again = () => server.logs.filter((l) => l.includes("changes are written again")).length;
    const againBefore = again();
    assert.equal(told(), againBefore + 1, "told once per episode");
    assert.ok(told() <= 2, `told ${told()} times`);

    // A megabyte freed is enough: nothing else takes it first.
    for (const f of fillers.slice(0, 4)) rmSync(f);
    await sm.send(new CreateSecretCommand({ Name: "app/after", SecretString: "written" }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: "app/after" }))).SecretString, "written");
    assert.equal(again(), againBefore + 1);
    assert.ok(!server.logs.some((l) => l.includes("value-") || l.includes("written\"")), "no value is logged");
  } finally {
    await server.stop();
    disk.unmount();
  }
});

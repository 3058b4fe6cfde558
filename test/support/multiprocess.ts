// What the tests of the distributed shape share: free ports for processes started with a topology,
// and waiting, bounded, for something that happens asynchronously between them.

import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ADMIN, spawnMeridian, waitForExit } from "./meridian.js";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export { eventually } from "./wait-for.js";

/**
 * One Meridian process per Region, each on its own port and data directory under one root, sharing
 * a topology file and a peer secret: start() them in `before`, stopAll() in `after`.
 */
export function regionProcesses<R extends string>(regions: readonly R[], opts: { peerSecret: string; prefix: string; homeRegion?: R }) {
  const root = mkdtempSync(join(tmpdir(), opts.prefix));
  const ports = {} as Record<R, number>;
  const procs = {} as Record<R, ChildProcess | undefined>;
  const clients: SecretsManagerClient[] = [];
  const topology = join(root, "topology.json");
  return {
    ports,
    client(region: R) {
      const c = new SecretsManagerClient({ endpoint: `http://127.0.0.1:${ports[region]}`, region, credentials: ADMIN, maxAttempts: 1 });
      clients.push(c);
      return c;
    },
    /** free ports and the topology file, then every Region's process */
    async startAll() {
      for (const r of regions) ports[r] = await freePort();
      const home = opts.homeRegion ?? regions[0]!;
      writeFileSync(topology, JSON.stringify({ partitions: [{ name: "aws", homeRegion: home, regions: regions.map((r) => ({ name: r, endpoint: `http://127.0.0.1:${ports[r]}` })) }] }));
      await Promise.all(regions.map((r) => this.start(r)));
    },
    async start(region: R) {
      const p = spawnMeridian(join(root, region), ["--topology", topology, "--region", region, "--port", String(ports[region])], { MERIDIAN_PEER_SECRET: opts.peerSecret });
      procs[region] = p.child;
      await p.url;
    },
    async kill(region: R) {
      const child = procs[region];
      if (!child) return;
      child.kill("SIGKILL");
      await waitForExit(child);
      procs[region] = undefined;
    },
    async stopAll() {
      for (const c of clients) c.destroy();
      for (const r of regions) await this.kill(r);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

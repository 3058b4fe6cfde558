// Reading a topology file (YAML or JSON) for a distributed deployment (DESIGN §3):
//
//   partitions:
//     - name: aws
//       homeRegion: us-east-1
//       regions:
//         - { name: us-east-1, endpoint: "https://meridian-use1.internal:4566" }
//         - { name: af-south-1, optIn: true, endpoint: "https://meridian-afs1.internal:4566" }
//
// An https:// endpoint's certificate is verified against `meridian serve --tls-ca` (http:// is
// accepted for a private network or a test, and sends peer requests in clear).
// Every problem is reported with where it is, as one line.

import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { PartitionInfo, RegionInfo, Topology } from "./topology.js";

class TopologyError extends Error {}

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

function fail(file: string, where: string, what: string): never {
  throw new TopologyError(`${file}: ${where}: ${what}`);
}

export function loadTopologyFile(file: string): Topology {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new TopologyError(`${file}: cannot read the topology: ${(e as Error).message.split("\n")[0]}`);
  }
  return parseTopology(doc, file);
}

function parseTopology(doc: unknown, file = "topology"): Topology {
  const partitions = (doc as { partitions?: unknown })?.partitions;
  if (!Array.isArray(partitions) || partitions.length === 0) fail(file, "partitions", "a non-empty list is required");
  const seen = new Set<string>();
  const result: PartitionInfo[] = partitions.map((entry: unknown, i: number) => {
    const p = (entry ?? {}) as { name?: unknown; regions?: unknown; homeRegion?: unknown };
    const where = `partitions[${i}]`;
    if (typeof p.name !== "string" || !p.name) fail(file, where, "name is required");
    const partitionName = p.name as string;
    if (!Array.isArray(p.regions) || p.regions.length === 0) fail(file, `${where}.regions`, "a non-empty list is required");
    const regions: RegionInfo[] = (p.regions as unknown[]).map((item: unknown, j: number) => {
      const r = (item ?? {}) as { name?: unknown; endpoint?: unknown; optIn?: unknown };
      const at = `${where}.regions[${j}]`;
      if (typeof r.name !== "string" || !REGION_NAME.test(r.name)) fail(file, at, `"${String(r.name)}" is not a Region name`);
      const name = r.name as string;
      if (seen.has(name)) fail(file, at, `Region ${name} appears twice`);
      seen.add(name);
      if (r.endpoint !== undefined) {
        try {
          if (typeof r.endpoint !== "string") throw new Error();
          const url = new URL(r.endpoint);
          if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
        } catch {
          fail(file, `${at}.endpoint`, `"${String(r.endpoint)}" is not an http(s) URL`);
        }
      }
      return { name, partition: partitionName, optIn: r.optIn === true, endpoint: r.endpoint as string | undefined };
    });
    const homeRegion = p.homeRegion ?? regions[0]!.name;
    if (typeof homeRegion !== "string" || !regions.some((r) => r.name === homeRegion)) {
      fail(file, `${where}.homeRegion`, `${String(homeRegion)} is not a Region of ${partitionName}`);
    }
    return { name: partitionName, homeRegion: homeRegion as string, regions };
  });
  return { partitions: result };
}

// Reading a topology file (YAML or JSON) for a distributed deployment (DESIGN §3):
//
//   partitions:
//     - name: aws
//       homeRegion: us-east-1
//       regions:
//         - { name: us-east-1, endpoint: "https://meridian-use1.internal:4566" }
//         - { name: af-south-1, optIn: true, endpoint: "https://meridian-afs1.internal:4566" }
//         - { name: eu-west-1, endpoint: "https://meridian-euw1.internal:4566", lambdaEndpoint: "https://lambda.eu-west-1.amazonaws.com" }
//         - { name: eu-central-1, store: "postgres://meridian@db.internal:5432/meridian" }
//
// `store` (optional) is the Region's store, `sqlite` or a PostgreSQL connection string; it wins
// over `meridian serve --store` / MERIDIAN_STORE for that Region (issue 14).
// `lambdaEndpoint` (optional) is where that Region invokes rotation functions that are not built
// in; it wins over `--lambda-endpoint` / MERIDIAN_LAMBDA_ENDPOINT, which serve the other Regions.
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

/** An optional member that must be an http(s) URL when given. */
function httpUrl(value: unknown, file: string, where: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    if (typeof value !== "string") throw new Error();
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
  } catch {
    fail(file, where, `"${String(value)}" is not an http(s) URL`);
  }
  return value;
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
      const r = (item ?? {}) as { name?: unknown; endpoint?: unknown; optIn?: unknown; lambdaEndpoint?: unknown; store?: unknown };
      const at = `${where}.regions[${j}]`;
      if (typeof r.name !== "string" || !REGION_NAME.test(r.name)) fail(file, at, `"${String(r.name)}" is not a Region name`);
      const name = r.name as string;
      if (seen.has(name)) fail(file, at, `Region ${name} appears twice`);
      seen.add(name);
      const endpoint = httpUrl(r.endpoint, file, `${at}.endpoint`);
      const lambdaEndpoint = httpUrl(r.lambdaEndpoint, file, `${at}.lambdaEndpoint`);
      if (r.store !== undefined && (typeof r.store !== "string" || !/^(sqlite|postgres(ql)?:\/\/\S+)$/.test(r.store))) {
        fail(file, `${at}.store`, "is sqlite or a postgres:// connection string");
      }
      const store = r.store as string | undefined;
      return { name, partition: partitionName, optIn: r.optIn === true, endpoint, ...(lambdaEndpoint ? { lambdaEndpoint } : {}), ...(store ? { store } : {}) };
    });
    const homeRegion = p.homeRegion ?? regions[0]!.name;
    if (typeof homeRegion !== "string" || !regions.some((r) => r.name === homeRegion)) {
      fail(file, `${where}.homeRegion`, `${String(homeRegion)} is not a Region of ${partitionName}`);
    }
    return { name: partitionName, homeRegion: homeRegion as string, regions };
  });
  return { partitions: result };
}

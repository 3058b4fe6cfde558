import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTopologyFile } from "./topology-file.js";

function load(t: { after(fn: () => void): void }, yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), "meridian-topology-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "topology.yaml");
  writeFileSync(file, yaml);
  return () => loadTopologyFile(file);
}

test("a Region's lambdaEndpoint is read when given, and absent otherwise", (t) => {
  const topology = load(t, [
    "partitions:",
    "  - name: aws",
    "    regions:",
    '      - { name: us-east-1, endpoint: "http://127.0.0.1:4566", lambdaEndpoint: "http://127.0.0.1:9001" }',
    "      - { name: eu-west-1 }",
  ].join("\n"))();
  const [east, west] = topology.partitions[0].regions;
  assert.equal(east.lambdaEndpoint, "http://127.0.0.1:9001");
  assert.equal("lambdaEndpoint" in west, false);
});

test("a lambdaEndpoint that is no http(s) URL is refused, with where it is", (t) => {
  const read = load(t, ["partitions:", "  - name: aws", "    regions:", '      - { name: us-east-1, lambdaEndpoint: "ftp://lambda" }'].join("\n"));
  assert.throws(read, /partitions\[0\]\.regions\[0\]\.lambdaEndpoint: "ftp:\/\/lambda" is not an http\(s\) URL/);
});

test("a Region's store is read when given (sqlite or a postgres:// connection string); anything else is refused, with where it is", (t) => {
  const topology = load(t, [
    "partitions:",
    "  - name: aws",
    "    regions:",
    '      - { name: us-east-1, store: "postgres://meridian@db.internal:5432/meridian" }',
    "      - { name: eu-west-1, store: sqlite }",
    "      - { name: us-west-2 }",
  ].join("\n"))();
  const [east, west, other] = topology.partitions[0].regions;
  assert.equal(east.store, "postgres://meridian@db.internal:5432/meridian");
  assert.equal(west.store, "sqlite");
  assert.equal("store" in other, false);
  const read = load(t, ["partitions:", "  - name: aws", "    regions:", '      - { name: us-east-1, store: "mysql://db/m" }'].join("\n"));
  assert.throws(read, /partitions\[0\]\.regions\[0\]\.store: is sqlite or a postgres:\/\/ connection string/);
});

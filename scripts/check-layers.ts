// Checks the layering of src/ (docs/architecture.md): reads the relative imports of every source
// file, and fails on an import cycle between folders, or on an import from a lower layer up to a
// higher one that is not listed below with its reason. Tests (*.test.ts) are left out: they sit
// beside the code but may drive anything above it.
// Usage: node dist/scripts/check-layers.js [src-dir]   (default: the checkout's src/)

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The layers, lowest first (DESIGN §2, §7). A folder may import its own layer and those below;
 * folders of one layer may import each other as long as no cycle forms.
 */
export const LAYERS: ReadonlyArray<{ name: string; folders: readonly string[] }> = [
  { name: "contract", folders: ["contract"] },
  // generated model data, configuration parsing and small helpers: they know no capability
  { name: "foundation", folders: ["generated", "util", "config"] },
  { name: "policy", folders: ["policy"] },
  { name: "store", folders: ["store"] },
  {
    name: "capabilities",
    folders: ["secrets", "kms", "identity", "iam", "sts", "account", "audit", "replication", "authz", "seal", "rotation", "cloudformation", "signin"],
  },
  { name: "region", folders: ["region"] },
  { name: "edge", folders: ["edge"] },
  { name: "entry points", folders: ["server.ts", "cli"] },
];

/**
 * The imports allowed to run upward, each with its reason; docs/architecture.md mirrors this table
 * (a test checks that it names every entry). Paths are relative to src/, as the source spells them.
 */
export const ALLOWED_UPWARD: ReadonlyArray<{ from: string; to: string; reason: string }> = [];

export interface ImportEdge {
  /** importing file, relative to src/ with "/" */
  from: string;
  /** imported file, relative to src/ with "/", ".js" turned back into ".ts" */
  to: string;
}

/** The folder a file belongs to: its first path segment ("server.ts" for src/server.ts). */
export const folderOf = (file: string): string => file.split("/")[0];

function sourceFiles(dir: string, root: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sourceFiles(full, root, out);
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

// `import … from "./x.js"`, `export … from "./x.js"`, `import "./x.js"` and `import("./x.js")`:
// relative specifiers only (packages are outside the layering).
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)"(\.{1,2}\/[^"]+)"/g;

/** The relative imports of every non-test source file under srcDir. */
export function readImportGraph(srcDir: string): ImportEdge[] {
  const root = resolve(srcDir);
  const edges: ImportEdge[] = [];
  const rel = (p: string) => relative(root, p).split(sep).join("/");
  for (const file of sourceFiles(root, root)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1]).replace(/\.js$/, ".ts");
      edges.push({ from: rel(file), to: rel(target) });
    }
  }
  return edges;
}

export interface LayerReport {
  /** each cycle between folders: the folders of one strongly connected component */
  cycles: string[][];
  /** upward imports not listed in the allowed table */
  unlisted: ImportEdge[];
  /** upward imports, listed or not */
  upward: ImportEdge[];
  /** allowed entries that no longer match an import (the table and the doc must be kept true) */
  stale: { from: string; to: string }[];
  /** folders not placed in any layer */
  unplaced: string[];
}

export function checkLayers(
  edges: readonly ImportEdge[],
  layers = LAYERS,
  allowed: ReadonlyArray<{ from: string; to: string }> = ALLOWED_UPWARD,
): LayerReport {
  const rank = new Map<string, number>();
  layers.forEach((l, i) => l.folders.forEach((f) => rank.set(f, i)));
  const unplaced = new Set<string>();
  const upward: ImportEdge[] = [];
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = folderOf(e.from);
    const b = folderOf(e.to);
    if (a === b) continue;
    for (const f of [a, b]) if (!rank.has(f)) unplaced.add(f);
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
    if ((rank.get(b) ?? -1) > (rank.get(a) ?? -1)) upward.push(e);
  }
  const isAllowed = (e: ImportEdge) => allowed.some((x) => x.from === e.from && x.to === e.to);
  const stale = allowed.filter((x) => !upward.some((e) => e.from === x.from && e.to === x.to));
  return {
    cycles: stronglyConnected(graph).filter((c) => c.length > 1),
    unlisted: upward.filter((e) => !isAllowed(e)),
    upward,
    stale: stale.map(({ from, to }) => ({ from, to })),
    unplaced: [...unplaced].sort(),
  };
}

/** Tarjan's algorithm: the strongly connected components of the folder graph, each sorted. */
function stronglyConnected(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** The report as lines a person reads; empty when the layering holds. */
export function describeFailures(report: LayerReport, edges: readonly ImportEdge[]): string[] {
  const lines: string[] = [];
  for (const c of report.cycles) {
    const inCycle = edges.filter((e) => c.includes(folderOf(e.from)) && c.includes(folderOf(e.to)) && folderOf(e.from) !== folderOf(e.to));
    lines.push(`import cycle between folders ${c.join(", ")}:`, ...inCycle.map((e) => `  ${e.from} -> ${e.to}`));
  }
  for (const e of report.unlisted) lines.push(`upward import not listed in scripts/check-layers.ts: ${e.from} -> ${e.to}`);
  for (const e of report.stale) lines.push(`listed upward import no longer exists (remove it from the table and docs/architecture.md): ${e.from} -> ${e.to}`);
  for (const f of report.unplaced) lines.push(`folder in no layer (add it to LAYERS and docs/architecture.md): ${f}`);
  return lines;
}

/** src/ of this checkout, from dist/scripts/check-layers.js or scripts/check-layers.ts alike. */
export function defaultSrcDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = here.split(sep).includes("dist") ? ["..", ".."] : [".."];
  return resolve(here, ...up, "src");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = process.argv[2] ?? defaultSrcDir();
  const edges = readImportGraph(srcDir);
  const report = checkLayers(edges);
  const failures = describeFailures(report, edges);
  console.log(`${edges.length} imports read; ${report.cycles.length} cycles; ${report.upward.length} upward (${report.unlisted.length} not listed)`);
  for (const line of failures) console.log(line);
  process.exitCode = failures.length ? 1 : 0;
}

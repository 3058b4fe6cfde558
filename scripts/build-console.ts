// Builds the web console (console/, issue 16) into dist/console: one esbuild bundle of the React
// app with Cloudscape and the AWS SDK clients, its CSS and fonts beside it, and index.html. No CDN:
// everything the page loads is served by `meridian serve` at /console/. Run by `npm run build`;
// prints the bundle's size (raw and gzip), which BENCHMARKS.md records.

import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = join(root, "dist", "console");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, "console", "src", "main.tsx")],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  outdir: out,
  entryNames: "console",
  assetNames: "assets/[name]-[hash]",
  loader: { ".woff": "file", ".woff2": "file", ".svg": "file", ".png": "file" },
  define: { "process.env.NODE_ENV": '"production"' },
  jsx: "automatic",
  legalComments: "linked",
  logLevel: "warning",
});
copyFileSync(join(root, "console", "index.html"), join(out, "index.html"));

let raw = 0;
let gzip = 0;
for (const name of readdirSync(out, { recursive: true }) as string[]) {
  const file = join(out, name);
  if (!statSync(file).isFile() || name.endsWith(".LEGAL.txt")) continue;
  raw += statSync(file).size;
  gzip += gzipSync(readFileSync(file)).length;
}
const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`console bundle: ${kib(raw)} raw, ${kib(gzip)} gzip (dist/console)`);

// The console's files (dist/console, built by scripts/build-console.ts) served at /console/: a
// GET of a file of the bundle, and index.html for every other path (the single-page app routes
// itself). Read from disk once; nothing here sits in the path of an API call.

import { readFileSync, readdirSync, existsSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Answer } from "./route.js";

/** dist/console, beside dist/src where this module runs from */
const CONSOLE_DIR = fileURLToPath(new URL("../../console/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".json": "application/json",
};

/**
 * What every console answer carries: only this origin's scripts and connections, no framing, no
 * sniffing, no referrer. Cloudscape sets style attributes, hence 'unsafe-inline' for styles only.
 */
export const CONSOLE_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

interface StaticFile {
  body: Buffer;
  type: string;
}

/** Every file of the bundle by its path under /console/; empty when the console was not built. */
function loadFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const rel = full.slice(dir.length).split("\\").join("/");
    files.set(rel, { body: readFileSync(full), type: TYPES[extname(entry.name)] ?? "application/octet-stream" });
  }
  return files;
}

export function makeConsoleFiles(dir = CONSOLE_DIR) {
  let files: Map<string, StaticFile> | undefined;
  return (path: string): Answer => {
    files ??= loadFiles(dir);
    const rel = path.replace(/^\/console\/?/, "");
    const file = files.get(rel) ?? (extname(rel) === "" ? files.get("index.html") : undefined);
    if (!file) {
      const body = files.size === 0 ? "The console was not built: run npm run build." : "Not found.";
      return { status: 404, body, contentType: "text/plain; charset=utf-8", headers: CONSOLE_HEADERS, durable: undefined };
    }
    return { status: 200, body: file.body, contentType: file.type, headers: CONSOLE_HEADERS, durable: undefined };
  };
}

// The backup file of `meridian backup` and `meridian restore`: one SQLite database used as an
// archive (better-sqlite3, already Meridian's: nothing hand-rolled), holding every file of a data
// directory that a restore needs, each with its role, mode, size and SHA-256:
//   archive(key, value)                              what it is: format, version, when, from where
//   files(role, name, region, mode, size, sha256)    role: "store" (a Region store's copy, named by
//                                                    its Region) or "file" (root key, check files)
//   chunks(role, name, seq, data)                    the bytes, CHUNK at a time, so no row (and no
//                                                    buffer here) ever holds a whole large store
// It is written beside its final name and linked into place when complete, so a backup that fails
// or is interrupted never leaves a file that looks like one. Mode 0600: it may hold the root key.

import { createHash, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, linkSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import Database from "better-sqlite3";

const FORMAT = "meridian-backup";
const VERSION = "1";
const CHUNK = 4 * 1024 * 1024;

type EntryRole = "store" | "file";

export interface ArchiveEntry {
  role: EntryRole;
  /** a store's Region, or a file's name in the data directory */
  name: string;
  mode: number;
  size: number;
  sha256: string;
}

const SCHEMA = `
CREATE TABLE archive (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (role TEXT NOT NULL, name TEXT NOT NULL, mode INTEGER NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (role, name));
CREATE TABLE chunks (role TEXT NOT NULL, name TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (role, name, seq));
`;

/** A name a restore may write in a data directory: one plain file name, never a path. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface ArchiveWriter {
  /** add the file at `path` (read in chunks) as `role` `name` */
  add(role: EntryRole, name: string, path: string, mode: number): ArchiveEntry;
  /** write what the archive is, and put it in place at its final name (which must still be free) */
  finish(about: Record<string, string>): void;
  /** drop what was written */
  abort(): void;
}

export function createArchive(out: string): ArchiveWriter {
  const partial = `${out}.${randomBytes(6).toString("hex")}.partial`;
  closeSync(openSync(partial, "wx", 0o600));
  const db = new Database(partial);
  // A partial file is thrown away on any failure: no journal is needed until it is complete.
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.exec(SCHEMA);
  const putFile = db.prepare("INSERT INTO files (role, name, mode, size, sha256) VALUES (?, ?, ?, ?, ?)");
  const putChunk = db.prepare("INSERT INTO chunks (role, name, seq, data) VALUES (?, ?, ?, ?)");
  return {
    add(role, name, path, mode) {
      if (!SAFE_NAME.test(name)) throw new Error(`cannot archive '${name}': not a plain file name`);
      const hash = createHash("sha256");
      let size = 0;
      const fd = openSync(path, "r");
      try {
        db.transaction(() => {
          const buffer = Buffer.alloc(CHUNK);
          for (let seq = 0; ; seq++) {
            const n = readSync(fd, buffer, 0, CHUNK, null);
            if (n === 0) break;
            const data = buffer.subarray(0, n);
            hash.update(data);
            size += n;
            putChunk.run(role, name, seq, data);
          }
        })();
      } finally {
        closeSync(fd);
      }
      const entry: ArchiveEntry = { role, name, mode: mode & 0o777, size, sha256: hash.digest("hex") };
      putFile.run(entry.role, entry.name, entry.mode, entry.size, entry.sha256);
      return entry;
    },
    finish(about) {
      const put = db.prepare("INSERT INTO archive (key, value) VALUES (?, ?)");
      for (const [key, value] of Object.entries({ ...about, format: FORMAT, version: VERSION })) put.run(key, value);
      db.close();
      const fd = openSync(partial, "r");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      try {
        linkSync(partial, out); // fails rather than replace a file that appeared meanwhile
      } finally {
        rmSync(partial, { force: true });
      }
    },
    abort() {
      if (db.open) db.close();
      rmSync(partial, { force: true });
    },
  };
}

export interface ArchiveReader {
  about: Record<string, string>;
  entries: ArchiveEntry[];
  /** write the entry's bytes to a new file `path` (mode 0600), checking its size and SHA-256 */
  extract(entry: ArchiveEntry, path: string): void;
  close(): void;
}

/** Open a backup file, refusing one that is damaged or not a Meridian backup. */
export function openArchive(file: string): ArchiveReader {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const problems = (db.pragma("quick_check") as { quick_check: string }[]).map((r) => r.quick_check).filter((r) => r !== "ok");
    if (problems.length > 0) throw new Error(`it is damaged (quick_check: ${problems.slice(0, 3).join("; ")})`);
    const hasArchive = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'archive'").get() !== undefined;
    const about = hasArchive ? Object.fromEntries((db.prepare("SELECT key, value FROM archive").all() as { key: string; value: string }[]).map((r) => [r.key, r.value])) : {};
    if (about.format !== FORMAT) throw new Error("it is not a Meridian backup");
    if (about.version !== VERSION) throw new Error(`it is a version ${about.version} backup; this Meridian reads version ${VERSION}`);
    const entries = db.prepare("SELECT role, name, mode, size, sha256 FROM files ORDER BY role DESC, name").all() as ArchiveEntry[];
    for (const e of entries) {
      if ((e.role !== "store" && e.role !== "file") || !SAFE_NAME.test(e.name)) throw new Error(`it holds an entry Meridian did not write (${e.role} '${e.name}')`);
    }
    const chunks = db.prepare("SELECT data FROM chunks WHERE role = ? AND name = ? ORDER BY seq");
    const opened = db;
    return {
      about,
      entries,
      extract(entry, path) {
        const hash = createHash("sha256");
        let size = 0;
        const fd = openSync(path, "wx", 0o600);
        try {
          for (const row of chunks.iterate(entry.role, entry.name) as Iterable<{ data: Buffer }>) {
            hash.update(row.data);
            size += row.data.length;
            writeSync(fd, row.data);
          }
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        if (size !== entry.size || hash.digest("hex") !== entry.sha256) {
          throw new Error(`${file} is damaged: its copy of ${entry.role === "store" ? `Region ${entry.name}'s store` : entry.name} does not match its checksum`);
        }
      },
      close: () => void opened.close(),
    };
  } catch (e) {
    db?.close();
    throw new Error(`${file} cannot be restored: ${(e as Error).message}`, { cause: e });
  }
}

// What `meridian serve` prints once it listens, and the lines that hand an operator an admin key
// (`serve` at first start, `admin reset-key`), written synchronously so that a key is known to have
// reached stdout before anything relies on it.

import { writeSync } from "node:fs";
import type { RegionInfo } from "../config/topology.js";
import type { AuthMode } from "../edge/authenticate.js";
import { isLoopbackHost } from "../edge/auth-mode.js";

export interface StartFacts {
  url: string;
  dataDir: string;
  rootKey: string;
  auth: AuthMode;
  accountId: string;
  regions: RegionInfo[];
  /** the admin key this start made, to be shown once */
  created?: { accessKeyId: string; secretAccessKey: string; fromEnv: boolean };
  /** partitions whose identities are a copy of another process's, with the home Region serving them */
  followed: { partition: string; home: string }[];
  /** processes serving the port (--workers); one when absent */
  workers?: number;
}

/** The export lines of an admin key, and the reminder that it is shown once. */
export function adminKeyLines(key: { accessKeyId: string; secretAccessKey: string }): string[] {
  return [
    `  export AWS_ACCESS_KEY_ID=${key.accessKeyId}`,
    `  export AWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`,
    "  (the secret access key is shown this once; it is stored only wrapped by the root key)",
  ];
}

export function bannerText(f: StartFacts): string {
  // The Region the lines point at: one whose identities this process owns, when there is one, so
  // that the key printed works there.
  const isFollowed = (r: RegionInfo) => f.followed.some((p) => p.partition === r.partition);
  const region = (f.regions.find((r) => !isFollowed(r)) ?? f.regions[0])?.name ?? "us-east-1";
  const lines = [
    `Meridian is listening on ${f.url}`,
    `Data directory: ${f.dataDir}`,
    ...(f.workers && f.workers > 1 ? [`Processes: ${f.workers} workers answering reads, and one writing every change`] : []),
    `Root key: ${f.rootKey}`,
    `Account: ${f.accountId}`,
    `Regions: ${f.regions.filter((r) => !r.optIn).map((r) => r.name).join(", ")}`,
    `Opt-in Regions (disabled until enabled): ${f.regions.filter((r) => r.optIn).map((r) => r.name).join(", ")}`,
  ];
  if (f.auth === "permissive") {
    lines.push(
      "",
      "!!! PERMISSIVE AUTH: any well-formed SigV4 request is accepted without checking its secret key or date.",
      "!!! Use only for tests on this machine. POST /_meridian/reset wipes all state.",
    );
    if (!isLoopbackHost(new URL(f.url).hostname)) {
      lines.push(`!!! AND IT LISTENS ON A NETWORK ADDRESS (--permissive-on-network): anyone who reaches ${f.url} can read and change every secret.`);
    }
  }
  lines.push("", "Point the AWS CLI and SDKs at it:", `  export AWS_ENDPOINT_URL=${f.url}`, `  export AWS_REGION=${region}`, `  export AWS_DEFAULT_REGION=${region}`);
  const followed = f.followed.find((p) => f.regions.some((r) => r.name === region && r.partition === p.partition));
  if (f.auth === "permissive") {
    lines.push("  export AWS_ACCESS_KEY_ID=test", "  export AWS_SECRET_ACCESS_KEY=test");
  } else if (f.created && !f.created.fromEnv) {
    lines.push(...adminKeyLines(f.created));
  } else if (followed) {
    // The Region the lines above point at takes its identities from another process: a key made
    // here would be replaced by that copy, so none is; the home's admin key works here.
    lines.push(
      `  export AWS_ACCESS_KEY_ID=<the admin access key the process serving ${followed.home} printed at its first start>`,
      "  export AWS_SECRET_ACCESS_KEY=<its secret>",
    );
  } else {
    lines.push("  export AWS_ACCESS_KEY_ID=<the admin access key id>", "  export AWS_SECRET_ACCESS_KEY=<its secret, shown at first start>");
  }
  for (const p of f.followed) {
    lines.push(
      `  (partition ${p.partition}: its accounts, users and access keys are those of the process serving ${p.home}, copied here; change them there)`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Write to stdout now, whole, or throw: an admin key is only stored once it was shown. */
export function writeStdout(text: string): void {
  const bytes = Buffer.from(text, "utf8");
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (e) {
      // A non-blocking pipe that is full: wait a moment for its reader.
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

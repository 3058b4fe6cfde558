// What `meridian serve` tells the operator at start about a setup that is not fit for production
// (DESIGN §12): a root key kept beside the stores, and a listener beyond this machine without TLS.

import { BlockList, isIPv6 } from "node:net";

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/** 127.0.0.0/8, ::1 (in any spelling, IPv4-mapped too) and localhost: nothing off this machine reaches it. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (bare.toLowerCase() === "localhost") return true;
  try {
    return loopback.check(bare, isIPv6(bare) ? "ipv6" : "ipv4");
  } catch {
    return false; // a host name: it may resolve to anything
  }
}

/** The line to print when requests may come from the network in clear, else undefined. */
export function plainListenerWarning(host: string, tls: boolean): string | undefined {
  if (tls || isLoopbackHost(host)) return undefined;
  return (
    `Warning: listening on ${host} without TLS: credentials (session tokens, new access keys) and secret values cross the network in clear; ` +
    "give --tls-cert and --tls-key, or listen on 127.0.0.1."
  );
}

export function startWarnings(opts: { host: string; tls: boolean; sealWarning?: string }): string[] {
  return [opts.sealWarning, plainListenerWarning(opts.host, opts.tls)].filter((w): w is string => w !== undefined);
}

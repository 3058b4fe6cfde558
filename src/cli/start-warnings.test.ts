import { test } from "node:test";
import assert from "node:assert/strict";
import { isLoopbackHost, plainListenerWarning, startWarnings } from "./start-warnings.js";

test("loopback is 127.0.0.0/8, ::1 in any spelling, and localhost; everything else may be the network", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1", "localhost", "LocalHost"]) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of ["0.0.0.0", "::", "10.0.0.1", "192.168.1.20", "128.0.0.1", "::2", "meridian.internal", "localhost.example.com", ""]) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test("a listener beyond loopback without TLS is warned about, naming the risk and the fix", () => {
  assert.equal(plainListenerWarning("127.0.0.1", false), undefined);
  assert.equal(plainListenerWarning("0.0.0.0", true), undefined);
  const warning = plainListenerWarning("0.0.0.0", false);
  assert.match(warning!, /^Warning: listening on 0\.0\.0\.0 without TLS: credentials .* and secret values cross the network in clear; give --tls-cert and --tls-key/);
  assert.equal(warning!.includes("\n"), false);
});

test("start warnings: the seal's own, then the listener's", () => {
  assert.deepEqual(startWarnings({ host: "127.0.0.1", tls: false }), []);
  assert.deepEqual(startWarnings({ host: "::", tls: false, sealWarning: "seal" }), ["seal", plainListenerWarning("::", false)]);
});

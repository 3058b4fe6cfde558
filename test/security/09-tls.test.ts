// Issue 10, item 9: `meridian serve --tls-cert --tls-key` speaks HTTPS only, to the SDKs and the
// AWS CLI trusting the operator's CA; aws:SecureTransport is true over it; Regions in other
// processes replicate over HTTPS and refuse a peer whose certificate does not chain to --tls-ca.
// Certificates are made here with openssl: a CA, a server certificate for 127.0.0.1, and a second
// CA nobody trusts with its own certificate for 127.0.0.1.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import {
  CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { ADMIN, spawnMeridian, startMeridian, waitForExit } from "../support/meridian.js";
import { eventually, freePort } from "../support/multiprocess.js";
import { awsCliMissing, emptyAwsHome, run } from "../support/aws-cli.js";
import { rawRequest } from "../support/raw-request.js";

const REGIONS = ["us-east-1", "eu-west-1", "us-west-2"] as const;
type Region = (typeof REGIONS)[number];
/** us-west-2 presents a certificate from a CA the others were not told to trust. */
const UNTRUSTED: Region = "us-west-2";
const PEER_SECRET = "tls-test-peer-secret";

const dir = mkdtempSync(join(tmpdir(), "meridian-tls-"));
const file = (name: string) => join(dir, name);
const ports = {} as Record<Region, number>;
const procs: ChildProcess[] = [];
let primaryOutput: () => string;
const clients: { destroy(): void }[] = [];
const url = (region: Region) => `https://127.0.0.1:${ports[region]}`;

function openssl(...args: string[]) {
  execFileSync("/usr/bin/openssl", args, { cwd: dir, stdio: "pipe" });
}

/** A CA (`name`.pem, .key) and a server certificate it issues for IP 127.0.0.1 (`name`-server.pem, .key). */
function makeCaAndServerCert(name: string) {
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
    "-subj", `/CN=${name} test CA`, "-keyout", `${name}.key`, "-out", `${name}.pem`,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-subj", "/CN=127.0.0.1", "-keyout", `${name}-server.key`, "-out", `${name}-server.csr`);
  writeFileSync(file(`${name}-server.ext`),
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", `${name}-server.csr`, "-CA", `${name}.pem`, "-CAkey", `${name}.key`, "-CAcreateserial",
    "-days", "1", "-extfile", `${name}-server.ext`, "-out", `${name}-server.pem`);
}

/** An SDK client whose HTTPS agent trusts `ca` only (null: Node's usual trust store). */
function secrets(region: Region, ca: string | null = "ca", credentials = ADMIN) {
  const requestHandler = ca ? new NodeHttpHandler({ httpsAgent: new Agent({ ca: readFileSync(file(`${ca}.pem`)) }) }) : undefined;
  const c = new SecretsManagerClient({ endpoint: url(region), region, credentials, maxAttempts: 1, requestHandler });
  clients.push(c);
  return c;
}

before(async () => {
  makeCaAndServerCert("ca");
  makeCaAndServerCert("rogue");
  for (const r of REGIONS) ports[r] = await freePort();
  writeFileSync(file("topology.json"), JSON.stringify({
    partitions: [{ name: "aws", homeRegion: "us-east-1", regions: REGIONS.map((r) => ({ name: r, endpoint: url(r) })) }],
  }));
  const started = REGIONS.map((r) => {
    const cert = r === UNTRUSTED ? "rogue-server" : "ca-server";
    const p = spawnMeridian(join(dir, r), [
      "--topology", file("topology.json"), "--region", r, "--port", String(ports[r]),
      "--tls-cert", file(`${cert}.pem`), "--tls-key", file(`${cert}.key`), "--tls-ca", file("ca.pem"),
    ], {
      MERIDIAN_PEER_SECRET: PEER_SECRET,
      // Verification of peers is not the environment's to turn off.
      ...(r === "us-east-1" ? { NODE_TLS_REJECT_UNAUTHORIZED: "0" } : {}),
    });
    procs.push(p.child);
    if (r === "us-east-1") primaryOutput = p.output;
    return p.url;
  });
  assert.deepEqual(await Promise.all(started), REGIONS.map(url));
});

after(async () => {
  for (const c of clients) c.destroy();
  for (const p of procs) {
    p.kill("SIGKILL");
    await waitForExit(p);
  }
  rmSync(dir, { recursive: true, force: true });
});

test("the SDK creates and reads a secret over HTTPS, trusting the operator's CA", async () => {
  const sm = secrets("us-east-1");
  const created = await sm.send(new CreateSecretCommand({ Name: "tls/sdk", SecretString: "over-tls" }));
  const read = await sm.send(new GetSecretValueCommand({ SecretId: "tls/sdk" }));
  assert.equal(read.SecretString, "over-tls");
  assert.equal(read.ARN, created.ARN);
});

test("the AWS CLI works over HTTPS with --ca-bundle or AWS_CA_BUNDLE, and refuses the server without them", { skip: awsCliMissing() }, async () => {
  const home = emptyAwsHome(url("us-east-1"), "us-east-1");
  try {
    const created = await run(["secretsmanager", "create-secret", "--name", "tls/cli", "--secret-string", "cli-over-tls", "--ca-bundle", file("ca.pem"), "--output", "json"], home.env);
    assert.equal(created.code, 0, created.stderr);
    const read = await run(["secretsmanager", "get-secret-value", "--secret-id", "tls/cli", "--output", "json"], { ...home.env, AWS_CA_BUNDLE: file("ca.pem") });
    assert.equal(read.code, 0, read.stderr);
    assert.equal(JSON.parse(read.stdout).SecretString, "cli-over-tls");
    const untrusting = await run(["secretsmanager", "get-secret-value", "--secret-id", "tls/cli"], home.env);
    assert.notEqual(untrusting.code, 0);
    assert.match(untrusting.stderr, /SSL validation failed|CERTIFICATE_VERIFY_FAILED/);
    assert.doesNotMatch(untrusting.stdout, /cli-over-tls/);
  } finally {
    home.remove();
  }
});

test("a plain HTTP request to the TLS port gets no answer", async () => {
  await assert.rejects(
    rawRequest(`http://127.0.0.1:${ports["us-east-1"]}`, { target: "secretsmanager.ListSecrets", body: {}, credentials: ADMIN }),
    (e: NodeJS.ErrnoException) => ["ECONNRESET", "EPIPE"].includes(e.code!) || /socket hang up/.test(e.message),
  );
});

test("a client that does not trust the CA refuses the server", async () => {
  for (const ca of [null, "rogue"]) {
    await assert.rejects(
      secrets("us-east-1", ca).send(new GetSecretValueCommand({ SecretId: "tls/sdk" })),
      (e: NodeJS.ErrnoException) => /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|CERT/.test(e.code ?? ""),
    );
  }
});

/** A user allowed GetSecretValue only when aws:SecureTransport is true. */
async function userOnlyOverTls(iam: IAMClient, name: string) {
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(new PutUserPolicyCommand({
    UserName: name,
    PolicyName: "tls-only",
    PolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "true" } } }],
    }),
  }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

test("aws:SecureTransport is true for a request over TLS and false over plain HTTP", async () => {
  const iam = new IAMClient({
    endpoint: url("us-east-1"), region: "us-east-1", credentials: ADMIN, maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: readFileSync(file("ca.pem")) }) }),
  });
  clients.push(iam);
  await secrets("us-east-1").send(new CreateSecretCommand({ Name: "tls/transport", SecretString: "needs-tls" }));
  const user = await userOnlyOverTls(iam, "tls-only");
  const read = await secrets("us-east-1", "ca", user).send(new GetSecretValueCommand({ SecretId: "tls/transport" }));
  assert.equal(read.SecretString, "needs-tls");

  const plain = await startMeridian({ regions: ["us-east-1"] });
  try {
    const plainIam = new IAMClient({ endpoint: plain.url, region: "us-east-1", credentials: ADMIN, maxAttempts: 1 });
    clients.push(plainIam);
    await plain.secrets().send(new CreateSecretCommand({ Name: "tls/transport", SecretString: "needs-tls" }));
    const plainUser = await userOnlyOverTls(plainIam, "tls-only");
    await assert.rejects(plain.secrets("us-east-1", plainUser).send(new GetSecretValueCommand({ SecretId: "tls/transport" })), { name: "AccessDeniedException" });
  } finally {
    await plain.stop();
  }
});

test("Regions in other processes replicate over HTTPS, and a peer whose certificate is not from --tls-ca gets nothing", async () => {
  const primary = secrets("us-east-1");
  await primary.send(new CreateSecretCommand({
    Name: "tls/replicated",
    SecretString: "replicated-over-tls",
    AddReplicaRegions: [{ Region: "eu-west-1" }, { Region: UNTRUSTED }],
  }));
  const statusOf = async (region: Region) =>
    (await primary.send(new DescribeSecretCommand({ SecretId: "tls/replicated" }))).ReplicationStatus?.find((s) => s.Region === region);

  await eventually(async () => assert.equal((await statusOf("eu-west-1"))?.Status, "InSync"));
  // eu-west-1 knows the admin key once the home's copy of the identities has reached it
  const replica = await eventually(() => secrets("eu-west-1").send(new GetSecretValueCommand({ SecretId: "tls/replicated" })));
  assert.equal(replica.SecretString, "replicated-over-tls");

  await eventually(async () => assert.equal((await statusOf(UNTRUSTED))?.Status, "Failed"));
  assert.match((await statusOf(UNTRUSTED))!.StatusMessage!, /unreachable/);
  // The operator learns why, once, from the primary's log.
  await eventually(async () => assert.match(primaryOutput(), /"msg":"peer certificate refused","region":"us-west-2"/));
  // It got nothing from the home at all, not even the identities: the admin key is unknown there.
  await assert.rejects(secrets(UNTRUSTED, "rogue").send(new GetSecretValueCommand({ SecretId: "tls/replicated" })), { name: "UnrecognizedClientException" });
});

// Each Region invokes rotation functions at its own Lambda endpoint when the topology file gives
// one (lambdaEndpoint), and at the process's --lambda-endpoint / MERIDIAN_LAMBDA_ENDPOINT otherwise.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { CreateSecretCommand, RotateSecretCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { startMeridian, type TestServer } from "../support/meridian.js";
import type { Topology } from "../../src/config/topology.js";
import { startTestLambda, stepsOf, type TestLambda } from "./rotation-support.js";

let m: TestServer;
let regional: TestLambda;
let global: TestLambda;
const clients = new Map<string, SecretsManagerClient>();
const clientFor = (region: string) => clients.get(region)!;

before(async () => {
  regional = await startTestLambda(clientFor);
  global = await startTestLambda(clientFor);
  const topology: Topology = {
    partitions: [{
      name: "aws",
      homeRegion: "us-east-1",
      regions: [
        { name: "us-east-1", partition: "aws", optIn: false, lambdaEndpoint: regional.url },
        { name: "us-west-2", partition: "aws", optIn: false },
      ],
    }],
  };
  m = await startMeridian({ auth: "permissive", topology, env: { MERIDIAN_LAMBDA_ENDPOINT: global.url } });
  for (const region of ["us-east-1", "us-west-2"]) clients.set(region, m.secrets(region));
});

after(async () => {
  await m.stop();
  await regional.close();
  await global.close();
});

async function rotateIn(region: string): Promise<string> {
  const sm = clientFor(region);
  const { ARN } = await sm.send(new CreateSecretCommand({ Name: `per-region-${randomUUID()}`, SecretString: "first" }));
  const token = randomUUID();
  await sm.send(new RotateSecretCommand({ SecretId: ARN, RotationLambdaARN: `arn:aws:lambda:${region}:111111111111:function:my-rotator`, ClientRequestToken: token }));
  await m.server.host.node(region)!.rotation.idle();
  return ARN!;
}

test("a Region with lambdaEndpoint in the topology invokes there, not at the process's endpoint", async () => {
  const arn = await rotateIn("us-east-1");
  assert.deepEqual(stepsOf(regional, arn).map((s) => s.split(" ")[0]), ["createSecret", "setSecret", "testSecret", "finishSecret"]);
  assert.deepEqual(stepsOf(global, arn), []);
});

test("a Region without one invokes at the process's endpoint", async () => {
  const arn = await rotateIn("us-west-2");
  assert.deepEqual(stepsOf(global, arn).map((s) => s.split(" ")[0]), ["createSecret", "setSecret", "testSecret", "finishSecret"]);
  assert.deepEqual(stepsOf(regional, arn), []);
});

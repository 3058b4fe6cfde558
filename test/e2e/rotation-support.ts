// A rotation function behind the AWS Lambda Invoke API, written for the tests: a node:http server on
// 127.0.0.1 that answers POST /2015-03-31/functions/{name}/invocations, checks the request is
// SigV4-signed for service `lambda`, and runs AWS's generic rotation template against Meridian with
// the SDK: createSecret puts an AWSPENDING value from GetRandomPassword, finishSecret moves AWSCURRENT.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";

export interface Invocation {
  functionName: string;
  secretId: string;
  step: string;
  token: string;
  /** the credential scope's service in the Authorization header */
  service: string | undefined;
}

export interface TestLambda {
  url: string;
  invocations: Invocation[];
  /** the step that fails (with X-Amz-Function-Error), if any */
  failStep?: string;
  close(): Promise<void>;
}

/** `clientFor` gives the function a client of the Region a secret lives in (from its ARN). */
export async function startTestLambda(clientFor: (region: string) => SecretsManagerClient): Promise<TestLambda> {
  const state: TestLambda = { url: "", invocations: [], close: async () => undefined };

  async function runStep(event: { SecretId: string; ClientRequestToken: string; Step: string }) {
    const { SecretId: arn, ClientRequestToken: token, Step: step } = event;
    const sm = clientFor(arn.split(":")[3]);
    const meta = await sm.send(new DescribeSecretCommand({ SecretId: arn }));
    if (!meta.RotationEnabled) throw new Error(`Secret ${arn} is not enabled for rotation`);
    const stages = meta.VersionIdsToStages?.[token];
    if (!stages) throw new Error(`Secret version ${token} has no stage for rotation of secret ${arn}.`);
    if (stages.includes("AWSCURRENT")) return;
    if (!stages.includes("AWSPENDING")) throw new Error(`Secret version ${token} not set as AWSPENDING for rotation of secret ${arn}.`);
    if (step === state.failStep) throw new Error(`${step} was told to fail`);
    if (step === "createSecret") {
      await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: "AWSCURRENT" }));
      try {
        await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }));
      } catch (e) {
        if ((e as Error).name !== "ResourceNotFoundException") throw e;
        const { RandomPassword } = await sm.send(new GetRandomPasswordCommand({ ExcludeCharacters: "/@\"'\\" }));
        await sm.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: RandomPassword, VersionStages: ["AWSPENDING"] }));
      }
    } else if (step === "finishSecret") {
      const current = Object.entries(meta.VersionIdsToStages ?? {}).find(([, s]) => s.includes("AWSCURRENT"))?.[0];
      if (current === token) return;
      await sm.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: "AWSCURRENT", MoveToVersionId: token, RemoveFromVersionId: current }));
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url ?? "");
      const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? "")?.[1];
      const fn = /^\/2015-03-31\/functions\/([^/]+)$/.exec(req.url ?? "");
      if (req.method === "GET" && fn) {
        // GetFunction: every function exists but "missing-function" ("vanishing-function" is gone when invoked)
        const known = fn[1] !== "missing-function";
        res.writeHead(known ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(known ? { Configuration: { FunctionName: fn[1] } } : { Type: "User", message: "Function not found" }));
        return;
      }
      if (req.method !== "POST" || !m || m[1] === "missing-function" || m[1] === "vanishing-function") {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ Type: "User", message: "Function not found" }));
        return;
      }
      const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { SecretId: string; ClientRequestToken: string; Step: string };
      state.invocations.push({ functionName: decodeURIComponent(m[1]), secretId: event.SecretId, step: event.Step, token: event.ClientRequestToken, service });
      if (service !== "lambda") {
        res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ message: "not signed for lambda" }));
        return;
      }
      runStep(event).then(
        () => res.writeHead(200, { "content-type": "application/json" }).end("null"),
        (e: Error) =>
          res
            .writeHead(200, { "content-type": "application/json", "x-amz-function-error": "Unhandled" })
            .end(JSON.stringify({ errorMessage: e.message, errorType: "Exception" })),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

export const FUNCTION_ARN = "arn:aws:lambda:us-east-1:111111111111:function:my-rotator";

/** The steps invoked, in order, as "step token". */
export const stepsOf = (lambda: TestLambda, secretId?: string) =>
  lambda.invocations.filter((i) => secretId === undefined || i.secretId === secretId).map((i) => `${i.step} ${i.token}`);

// The rotation engine of one Region (issue 13): AWS's four-step protocol. A rotation opens (or
// resumes) the AWSPENDING version named by its token, then invokes the secret's function with
// createSecret, setSecret, testSecret and finishSecret in order; it succeeded when the function
// moved AWSCURRENT onto that version. A failed step stops it, leaves AWSPENDING for the next
// attempt (same token) and records why. The function is a built-in rotator when its name is one
// (builtin/), else it is invoked through the Lambda Invoke API at the Region's endpoint.

import type { OperationTable } from "../contract/call-context.js";
import type { SecretRecord } from "../contract/secret-types.js";
import type { SecretsManagerOperations } from "../generated/secretsmanager-api.js";
import type { StoredAuditEvent } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import type { Logger } from "../util/logger.js";
import { builtinRotator } from "./builtin/builtin-rotators.js";
import { parseFunctionArn } from "./function-arn.js";
import { functionExists, lambdaFunction, type LambdaSettings } from "./lambda-invoke.js";
import { rotationEvent, type RotationEventName } from "./rotation-audit.js";
import { RotationStepError, type RotationFunction, type RotationStep } from "./rotation-function.js";
import { rotatorSecretsApi } from "./rotator-secrets-api.js";
import { serviceContext } from "./service-context.js";

const STEPS: RotationStep[] = ["createSecret", "setSecret", "testSecret", "finishSecret"];

/** What the engine needs of the Region's secrets (secrets/ops/rotation.ts `rotationHooks`). */
interface RotatedSecrets {
  secret(arn: string): Promise<SecretRecord | undefined>;
  begin(arn: string, token?: string): Promise<string>;
  succeeded(arn: string, token: string): Promise<string | undefined>;
  failed(arn: string, reason: string): Promise<void>;
  due(accountIds: Iterable<string>, now: number): Promise<SecretRecord[]>;
  openTest(arn: string, token: string): Promise<boolean>;
  closeTest(arn: string, token: string): Promise<void>;
}

export interface RotationEngineDeps {
  region: string;
  secrets: RotatedSecrets;
  /** the Region's Secrets Manager operations, which built-in rotators call in-process */
  operations: OperationTable<SecretsManagerOperations>;
  /** where functions that are not built in are invoked; absent: they fail with that reason */
  lambda?: LambdaSettings;
  /** the accounts that have secrets in this Region (the scheduler looks at their secrets) */
  accounts(): Promise<Iterable<string>>;
  appendAuditEvents(events: StoredAuditEvent[]): Promise<void>;
  clock: Clock;
  log: Logger;
}

export type RotationEngine = ReturnType<typeof makeRotationEngine>;

export function makeRotationEngine(deps: RotationEngineDeps) {
  const { secrets, clock, log } = deps;
  /** rotations running in this process, by secret ARN: one at a time per secret */
  const running = new Map<string, Promise<void>>();
  // at shutdown, calls to Lambda under way are abandoned: their rotations fail and resume next window
  const stopping = new AbortController();

  function functionFor(record: SecretRecord, lambdaArn: string): RotationFunction {
    const arn = parseFunctionArn(lambdaArn);
    if (!arn) return failing(`${lambdaArn} is not a Lambda function ARN`);
    const builtin = builtinRotator(arn.name, rotatorSecretsApi(deps.operations, serviceContext(record)));
    if (builtin) return builtin;
    if (!deps.lambda) {
      return failing(
        `function ${arn.name} is not a built-in rotator and no Lambda endpoint is configured for Region ${deps.region} (--lambda-endpoint, MERIDIAN_LAMBDA_ENDPOINT, or the Region's lambdaEndpoint in the topology file)`,
      );
    }
    return lambdaFunction(deps.lambda, arn.name, arn.region, stopping.signal);
  }

  async function audit(name: RotationEventName, record: SecretRecord, reason?: string) {
    try {
      await deps.appendAuditEvents([rotationEvent(name, record, clock.now(), reason)]);
    } catch (e) {
      log.error("rotation audit event not written", { region: deps.region, event: name, error: (e as Error).message });
    }
  }

  async function rotate(arn: string, token?: string): Promise<void> {
    if (stopping.signal.aborted) return;
    const record = await secrets.secret(arn);
    const lambdaArn = record?.rotation?.lambdaArn;
    if (!record || !lambdaArn || record.deletedDate !== undefined) return;
    const versionId = await secrets.begin(arn, token);
    await audit("RotationStarted", record);
    let reason: string | undefined;
    const fn = functionFor(record, lambdaArn);
    for (const step of STEPS) {
      try {
        await fn.invoke({ SecretId: arn, ClientRequestToken: versionId, Step: step });
      } catch (e) {
        reason = `${step} failed: ${e instanceof RotationStepError ? e.message : (e as Error).message}`;
        break;
      }
    }
    reason ??= await secrets.succeeded(arn, versionId);
    if (reason === undefined) {
      await audit("RotationSucceeded", record);
      return;
    }
    log.info("rotation failed", { region: deps.region, secret: arn, reason });
    await secrets.failed(arn, reason);
    await audit("RotationFailed", record, reason);
  }

  /**
   * RotateSecret with RotateImmediately false: as AWS documents, the configuration is tested by
   * running the function's testSecret step alone on an AWSPENDING version made for the test (a copy
   * of AWSCURRENT, named by the request's token), which is removed afterwards. A failed test is a
   * TestRotationFailed event; rotation stays on its schedule.
   */
  async function testRotation(arn: string, token: string): Promise<void> {
    const record = await secrets.secret(arn);
    const lambdaArn = record?.rotation?.lambdaArn;
    if (stopping.signal.aborted || !record || !lambdaArn || !(await secrets.openTest(arn, token))) return;
    let reason: string | undefined;
    try {
      await functionFor(record, lambdaArn).invoke({ SecretId: arn, ClientRequestToken: token, Step: "testSecret" });
    } catch (e) {
      reason = `testSecret failed: ${(e as Error).message}`;
    } finally {
      await secrets.closeTest(arn, token);
    }
    if (reason === undefined) return;
    log.info("rotation test failed", { region: deps.region, secret: arn, reason });
    await audit("TestRotationFailed", record, reason);
  }

  /** `work` for `arn` unless this process has work under way on it already; resolves when that ends. */
  function run(arn: string, token?: string, work: (arn: string, token?: string) => Promise<void> = rotate): Promise<void> {
    const busy = running.get(arn);
    if (busy) return busy;
    const done = work(arn, token)
      .catch((e: unknown) => log.error("rotation could not run", { region: deps.region, secret: arn, error: (e as Error).message }))
      .finally(() => running.delete(arn));
    running.set(arn, done);
    return done;
  }

  async function idle(): Promise<void> {
    while (running.size > 0) await Promise.all(running.values());
  }

  return {
    /**
     * Whether `lambdaArn` names a function Meridian can invoke: a built-in rotator, or one the Lambda
     * endpoint has. RotateSecret refuses any other, as AWS refuses a function it cannot invoke.
     */
    async canInvoke(lambdaArn: string, secret: { arn: string; accountId: string; region: string }): Promise<boolean> {
      const arn = parseFunctionArn(lambdaArn);
      if (!arn) return false;
      if (builtinRotator(arn.name, rotatorSecretsApi(deps.operations, serviceContext(secret)))) return true;
      return deps.lambda !== undefined && (await functionExists(deps.lambda, arn.name, arn.region));
    },
    /** RotateSecret opened a rotation: run it in the background, as AWS does. */
    start(arn: string, token: string): void {
      void run(arn, token);
    },
    /** RotateSecret set rotation up without rotating: test the configuration in the background. */
    test(arn: string, token: string): void {
      void run(arn, token, (a) => testRotation(a, token));
    },
    /**
     * A manual new version of the secret took AWSPENDING off the version a rotation was working on
     * (secrets/ops/rotation.ts): CloudTrail hears of it as RotationAbandoned.
     */
    abandoned(secret: SecretRecord): Promise<void> {
      return audit("RotationAbandoned", secret);
    },
    /** The scheduler's pass (a job on the Region's runner): every rotation due by `now`, one after another. */
    async runDue(now: number): Promise<void> {
      for (const record of await secrets.due(await deps.accounts(), now)) await run(record.arn);
    },
    /** rotations this process has under way, settled (tests) */
    idle,
    /** shutdown: abandon calls to Lambda under way, wait for the rotations to record how they ended */
    async stop(): Promise<void> {
      stopping.abort();
      await idle();
    },
  };
}

const failing = (reason: string): RotationFunction => ({
  invoke: () => Promise.reject(new RotationStepError(reason)),
});

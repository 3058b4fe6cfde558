// AWS's RDS rotation templates, for any DatabaseEngine: single user (the user changes its own
// password) and alternating users (the master keeps `username` and `username_clone` both valid,
// and each rotation moves the secret to the other one with a new password).

import { RotationStepError } from "../rotation-function.js";
import type { DatabaseEngine, DbCredentials, DbSession } from "./database-engine.js";
import type { RotatorSecretsApi } from "./rotator-api.js";
import { isNotFound, readSecretJson, type RotatorSteps } from "./rotator-steps.js";

type SecretDict = Record<string, unknown> & { host: string; username: string; password: string };

export function singleUserRotator(engine: DatabaseEngine): RotatorSteps {
  return {
    createSecret: (api, arn, token) => createPending(engine, api, arn, token, (user) => user),
    async setSecret(api, arn, token) {
      const previous = await readDict(engine, api, arn, "AWSPREVIOUS").catch((e: unknown) => {
        if (isNotFound(e) || e instanceof RotationStepError) return undefined;
        throw e;
      });
      const current = await readDict(engine, api, arn, "AWSCURRENT");
      const pending = await readDict(engine, api, arn, "AWSPENDING", token);
      if (engine.singleUserCreatesMissingUser && typeof current.masterarn === "string") {
        await asMaster(engine, api, current, (s) => s.createLoginIfAbsent(current.username, current.password, stringOrUndefined(current.dbname)));
      }
      const failures: string[] = [];
      const pendingSession = await login(engine, pending, failures, "pending");
      if (pendingSession) return pendingSession.close();
      sameUserAndHost(pending, current, "current");
      let session = await login(engine, current, failures, "current");
      if (!session && previous) {
        sameUserAndHost(pending, previous, "previous valid");
        // AWS's template: the previous version, with the current version's ssl setting
        const { ssl: _ignored, ...rest } = previous;
        session = await login(engine, { ...rest, ...("ssl" in current && { ssl: current.ssl }) } as SecretDict, failures, "previous");
      }
      if (!session) {
        throw new RotationStepError(
          `Unable to log into database with previous, current, or pending secret of secret arn ${arn} (${failures.join("; ")})`,
        );
      }
      await withSession(session, (s) => s.setOwnPassword(pending.username, pending.password));
    },
    testSecret: (api, arn, token) => testPending(engine, api, arn, token),
  };
}

export function alternatingUsersRotator(engine: DatabaseEngine): RotatorSteps {
  return {
    createSecret: (api, arn, token) => createPending(engine, api, arn, token, (user) => alternateUsername(engine, user)),
    async setSecret(api, arn, token) {
      const current = await readDict(engine, api, arn, "AWSCURRENT");
      const pending = await readDict(engine, api, arn, "AWSPENDING", token);
      const failures: string[] = [];
      const pendingSession = await login(engine, pending, failures, "pending");
      if (pendingSession) return pendingSession.close();
      if (alternateUsername(engine, current.username) !== pending.username) {
        throw new RotationStepError(
          `Attempting to modify user ${pending.username} other than current user or clone ${current.username}`,
        );
      }
      if (current.host !== pending.host) {
        throw new RotationStepError(`Attempting to modify user for host ${pending.host} other than current host ${current.host}`);
      }
      // AWS checks the current credentials still work first, against a confused deputy
      const currentSession = await login(engine, current, failures, "current");
      if (!currentSession) {
        throw new RotationStepError(`Unable to log into database using current credentials for secret ${arn} (${failures.join("; ")})`);
      }
      await currentSession.close();
      await asMaster(engine, api, current, (s) => s.setClonePassword(current.username, pending.username, pending.password));
    },
    testSecret: (api, arn, token) => testPending(engine, api, arn, token),
  };
}

/** Runs `work` logged in as the master user of `current.masterarn`, which must be on the same host. */
async function asMaster(engine: DatabaseEngine, api: RotatorSecretsApi, current: SecretDict, work: (s: DbSession) => Promise<void>): Promise<void> {
  if (typeof current.masterarn !== "string") throw new RotationStepError("masterarn key is missing from secret JSON");
  const master = await readDict(engine, api, current.masterarn, "AWSCURRENT");
  if (engine.masterUsesUserDatabase) master.dbname = current.dbname;
  if (master.host !== current.host) {
    throw new RotationStepError(`Current database host ${current.host} is not the same host as master ${master.host}`);
  }
  const failures: string[] = [];
  const session = await login(engine, master, failures, "master");
  if (!session) {
    throw new RotationStepError(`Unable to log into database using credentials in master secret ${current.masterarn} (${failures.join("; ")})`);
  }
  await withSession(session, work);
}

const stringOrUndefined = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** createSecret: a new password (and, alternating, the other user) under the token, unless one is there already. */
async function createPending(
  engine: DatabaseEngine,
  api: RotatorSecretsApi,
  arn: string,
  token: string,
  nextUsername: (user: string) => string,
): Promise<void> {
  const current = await readDict(engine, api, arn, "AWSCURRENT");
  // The version AWS staged for the token has no value until this step puts one
  const pending = await api.getSecretValue({ SecretId: arn, VersionId: token, VersionStage: "AWSPENDING" }).catch((e: unknown) => {
    if (isNotFound(e)) return undefined;
    throw e;
  });
  if (pending?.SecretString !== undefined) return;
  const username = nextUsername(current.username);
  const password = await api.getRandomPassword({ ExcludeCharacters: engine.excludeCharacters });
  await api.putSecretValue({
    SecretId: arn,
    ClientRequestToken: token,
    SecretString: JSON.stringify({ ...current, username, password }),
    VersionStages: ["AWSPENDING"],
  });
}

async function testPending(engine: DatabaseEngine, api: RotatorSecretsApi, arn: string, token: string): Promise<void> {
  const failures: string[] = [];
  const session = await login(engine, await readDict(engine, api, arn, "AWSPENDING", token), failures, "pending");
  if (!session) {
    throw new RotationStepError(`Unable to log into database with pending secret of secret ARN ${arn} (${failures.join("; ")})`);
  }
  await withSession(session, (s) => s.selectNow());
}

/** The alternate of `username`: without `_clone` when it ends so, else with it. */
function alternateUsername(engine: DatabaseEngine, username: string): string {
  const suffix = "_clone";
  if (username.endsWith(suffix)) return username.slice(0, -suffix.length);
  const clone = username + suffix;
  if (clone.length > engine.maxUsernameLength) {
    throw new RotationStepError(
      `Unable to clone user, username length with _clone appended would exceed ${engine.maxUsernameLength} characters`,
    );
  }
  return clone;
}

function sameUserAndHost(pending: SecretDict, other: SecretDict, which: string): void {
  if (other.username !== pending.username) {
    throw new RotationStepError(`Attempting to modify user ${pending.username} other than ${which} user ${other.username}`);
  }
  if (other.host !== pending.host) {
    throw new RotationStepError(`Attempting to modify user for host ${pending.host} other than ${which} host ${other.host}`);
  }
}

/** A version's JSON, checked as the template checks it: required keys, and the engine. */
async function readDict(engine: DatabaseEngine, api: RotatorSecretsApi, arn: string, stage: string, token?: string): Promise<SecretDict> {
  const dict = await readSecretJson(api, arn, stage, token);
  for (const key of ["host", "username", "password"]) {
    if (typeof dict[key] !== "string") throw new RotationStepError(`${key} key is missing from secret JSON`);
  }
  if (typeof dict.engine !== "string" || !engine.engines.includes(dict.engine)) {
    throw new RotationStepError(`Database engine must be set to '${engine.engines[0]}' in order to use this rotation lambda`);
  }
  return dict as SecretDict;
}

/**
 * Logs in as the dict says, as the templates do: with TLS, falling back to a plain connection
 * unless the secret's `ssl` says which. Undefined when refused; why (named `which`) goes into `failures`.
 */
async function login(engine: DatabaseEngine, dict: SecretDict, failures: string[], which: string): Promise<DbSession | undefined> {
  const credentials: DbCredentials = {
    host: dict.host,
    port: dict.port === undefined ? engine.defaultPort : Number(dict.port),
    username: dict.username,
    password: dict.password,
    ...(stringOrUndefined(dict.dbname) !== undefined && { dbname: stringOrUndefined(dict.dbname) }),
  };
  const { useSsl, fallBack } = sslConfig(dict.ssl);
  const attempts = fallBack ? [useSsl, false] : [useSsl];
  for (const ssl of attempts) {
    try {
      return await engine.connect(credentials, ssl);
    } catch (e) {
      failures.push(`${which} as ${dict.username}${ssl ? " over TLS" : ""}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return undefined;
}

/** The templates' get_ssl_config: no `ssl` (or a strange one) tries TLS then plain; true or false is final. */
function sslConfig(ssl: unknown): { useSsl: boolean; fallBack: boolean } {
  if (typeof ssl === "boolean") return { useSsl: ssl, fallBack: false };
  if (typeof ssl === "string" && ["true", "false"].includes(ssl.toLowerCase())) {
    return { useSsl: ssl.toLowerCase() === "true", fallBack: false };
  }
  return { useSsl: true, fallBack: true };
}

async function withSession(session: DbSession, work: (s: DbSession) => Promise<void>): Promise<void> {
  try {
    await work(session);
  } finally {
    await session.close();
  }
}

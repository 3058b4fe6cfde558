// Choosing the seal from configuration: `--seal file|kms|pkcs11` or MERIDIAN_SEAL, each seal's own
// MERIDIAN_SEAL_* variables, and a map of factories. A bad configuration is a one-line SealError
// before anything is opened; the file seal is the default.

import { makeFileSeal } from "./file-seal.js";
import { makeKmsSeal, type KmsSealConfig } from "./kms-seal.js";
import { DEFAULT_PKCS11_LIBRARY, makePkcs11Seal, type Pkcs11SealConfig } from "./pkcs11-seal.js";
import { SEAL_KINDS, type SealKind } from "./seal-files.js";
import { SealError, type Seal } from "./seal.js";

export type SealConfig =
  | { kind: "file" }
  | { kind: "kms"; kms: KmsSealConfig }
  | { kind: "pkcs11"; pkcs11: Pkcs11SealConfig };

export const DEFAULT_PKCS11_KEY_LABEL = "meridian-root-key";

type Env = NodeJS.ProcessEnv;

const factories: { [K in SealKind]: (dataDir: string, config: Extract<SealConfig, { kind: K }>, env: Env) => Seal } = {
  file: (dataDir, _config, env) => makeFileSeal(dataDir, env),
  kms: (dataDir, config) => makeKmsSeal(dataDir, config.kms),
  pkcs11: (dataDir, config) => makePkcs11Seal(dataDir, config.pkcs11),
};

export function makeSeal(config: SealConfig, dataDir: string, env: Env = process.env): Seal {
  return (factories[config.kind] as (d: string, c: SealConfig, e: Env) => Seal)(dataDir, config, env);
}

/** The seal configuration from `--seal` (when given) and the environment. */
export function readSealConfig(env: Env = process.env, sealOption?: string): SealConfig {
  const kind = sealOption ?? env.MERIDIAN_SEAL ?? "file";
  const from = sealOption !== undefined ? "--seal" : "MERIDIAN_SEAL";
  if (!(SEAL_KINDS as string[]).includes(kind)) throw new SealError(`${from} must be ${SEAL_KINDS.join(", ")}, not '${kind}'`);
  refuseOtherSealsSettings(env, kind as SealKind);
  switch (kind as SealKind) {
    case "file":
      return { kind: "file" };
    case "kms":
      return { kind: "kms", kms: readKmsConfig(env) };
    case "pkcs11":
      return { kind: "pkcs11", pkcs11: readPkcs11Config(env) };
  }
}

function readKmsConfig(env: Env): KmsSealConfig {
  const keyId = required(env, "MERIDIAN_SEAL_KMS_KEY_ID", "the kms seal needs the KMS key that seals the root key");
  const endpoint = optional(env, "MERIDIAN_SEAL_KMS_ENDPOINT");
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new SealError(`MERIDIAN_SEAL_KMS_ENDPOINT must be an http:// or https:// URL, not '${endpoint}'`);
  }
  const region = optional(env, "MERIDIAN_SEAL_KMS_REGION");
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new SealError(`MERIDIAN_SEAL_KMS_REGION must be a Region name such as eu-west-1, not '${region}'`);
  }
  return { keyId, endpoint, region };
}

function readPkcs11Config(env: Env): Pkcs11SealConfig {
  const tokenLabel = optional(env, "MERIDIAN_SEAL_PKCS11_TOKEN_LABEL");
  const slotText = optional(env, "MERIDIAN_SEAL_PKCS11_SLOT");
  if ((tokenLabel === undefined) === (slotText === undefined)) {
    throw new SealError("the pkcs11 seal needs exactly one of MERIDIAN_SEAL_PKCS11_TOKEN_LABEL and MERIDIAN_SEAL_PKCS11_SLOT");
  }
  if (slotText !== undefined && !/^\d+$/.test(slotText)) {
    throw new SealError(`MERIDIAN_SEAL_PKCS11_SLOT must be a slot id (digits), not '${slotText}'`);
  }
  const generate = optional(env, "MERIDIAN_SEAL_PKCS11_GENERATE_KEY") ?? "false";
  if (!["true", "false"].includes(generate)) {
    throw new SealError(`MERIDIAN_SEAL_PKCS11_GENERATE_KEY must be true or false, not '${generate}'`);
  }
  return {
    library: optional(env, "MERIDIAN_SEAL_PKCS11_LIBRARY") ?? DEFAULT_PKCS11_LIBRARY,
    tokenLabel,
    slot: slotText === undefined ? undefined : BigInt(slotText),
    pin: pin(env),
    keyLabel: optional(env, "MERIDIAN_SEAL_PKCS11_KEY_LABEL") ?? DEFAULT_PKCS11_KEY_LABEL,
    generateKey: generate === "true",
  };
}

/** Another seal's settings left in the environment mean the seal was not the one intended. */
function refuseOtherSealsSettings(env: Env, kind: SealKind) {
  const owner = (name: string): SealKind | undefined =>
    name === "MERIDIAN_ROOT_KEY" ? "file" : name.startsWith("MERIDIAN_SEAL_KMS_") ? "kms" : name.startsWith("MERIDIAN_SEAL_PKCS11_") ? "pkcs11" : undefined;
  for (const name of Object.keys(env).sort()) {
    const of = owner(name);
    if (of !== undefined && of !== kind && env[name] !== undefined && env[name] !== "") {
      throw new SealError(`${name} is set but the seal is ${kind}; use --seal ${of} (MERIDIAN_SEAL=${of}) or unset it`);
    }
  }
}

// A PIN is taken as it is: a space in it may be part of it.
function pin(env: Env): string {
  const value = env.MERIDIAN_SEAL_PKCS11_PIN;
  if (!value) throw new SealError("the pkcs11 seal needs the token's user PIN: set MERIDIAN_SEAL_PKCS11_PIN");
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function required(env: Env, name: string, why: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new SealError(`${why}: set ${name}`);
  return value;
}

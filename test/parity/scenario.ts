// One recorded scenario replayed against Meridian: the calls keep their responses (or errors) under
// the names LocalStack recorded them with, and verify() masks them and compares with the recording.

import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { rawRequest, type RawResponse } from "../support/raw-request.js";
import { SnapshotMask, type MaskEnv } from "./snapshot-mask.js";
import { RECORDINGS_DIR } from "./recordings.js";

export const SNAPSHOT_PATH = join(RECORDINGS_DIR, "secretsmanager.snapshot.json");

export interface RecordedScenario {
  "recorded-date": string;
  "recorded-content": Record<string, unknown>;
}

/** The recorded scenarios keyed by test name ("TestSecretsManager::test_x[param]"), or undefined if absent. */
export function loadSnapshot(path = SNAPSHOT_PATH): Map<string, RecordedScenario> | undefined {
  if (!existsSync(path)) return undefined;
  const all = JSON.parse(readFileSync(path, "utf8")) as Record<string, RecordedScenario>;
  return new Map(Object.entries(all).map(([k, v]) => [k.slice(k.indexOf("::") + 2), v]));
}

export interface Target extends MaskEnv {
  url: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** LocalStack's short_uid(): eight hex characters. */
export const shortUid = () => randomBytes(4).toString("hex");

export class Scenario {
  readonly mask: SnapshotMask;
  private readonly actual: Record<string, unknown> = {};

  constructor(
    readonly sm: SecretsManagerClient,
    private readonly target: Target,
    private readonly recorded: Record<string, unknown>,
  ) {
    this.mask = new SnapshotMask(target);
  }

  /** Run a call and keep what it returned, or the error it raised as botocore shows it, under `key`. */
  async match<T>(key: string, call: Promise<T>): Promise<T> {
    try {
      const out = await call;
      this.actual[key] = out;
      return out;
    } catch (e) {
      this.actual[key] = botocoreError(e);
      return undefined as T;
    }
  }

  /** Keep a value computed by the test itself under `key`. */
  keep(key: string, value: unknown): void {
    this.actual[key] = value;
  }

  /** A call expected to fail, kept as `str(ClientError)`: "An error occurred (Code) when calling the Op operation: Message". */
  async matchErrorText(key: string, operation: string, call: Promise<unknown>): Promise<void> {
    try {
      await call;
      this.actual[key] = "(no error)";
    } catch (e) {
      const err = e as { name?: string; message?: string };
      this.actual[key] = `An error occurred (${err.name}) when calling the ${operation} operation: ${err.message}`;
    }
  }

  /** A request as a plain HTTP client sends it: JSON in, the response JSON out, no SDK in between. */
  raw(operation: string, body: object): Promise<RawResponse> {
    return rawRequest(this.target.url, {
      target: `secretsmanager.${operation}`,
      body,
      region: this.target.region,
      credentials: this.target.credentials,
    });
  }

  /** Mask everything kept and compare it with the recording. */
  verify(aborted?: unknown): void {
    const got = this.mask.mask(this.actual);
    if (aborted !== undefined) got["(scenario aborted)"] = String((aborted as Error)?.stack ?? aborted);
    const expected: Record<string, unknown> = {};
    const comparable: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.recorded)) expected[k] = comparableForm(v, v);
    for (const [k, v] of Object.entries(got)) comparable[k] = comparableForm(v, this.recorded[k]);
    assert.deepStrictEqual(comparable, expected);
  }
}

/** The error of an SDK call in botocore's `ClientError.response` form. */
function botocoreError(e: unknown): Record<string, unknown> {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (err?.$metadata === undefined) throw e; // not a service error: a bug in the test or the client
  return {
    Error: { Code: err.name, Message: err.message },
    Message: err.message,
    ResponseMetadata: { HTTPStatusCode: err.$metadata.httpStatusCode },
  };
}

/**
 * What is compared: responses without ResponseMetadata; errors as code, message and HTTP status
 * (the status only where the recording has it: the oldest recordings do not).
 */
function comparableForm(value: unknown, recorded: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const v = value as Record<string, unknown>;
  const error = v.Error as { Code?: unknown; Message?: unknown } | undefined;
  if (error && typeof error === "object" && "Code" in error) {
    const rm = (recorded as { ResponseMetadata?: { HTTPStatusCode?: number } } | undefined)?.ResponseMetadata;
    const out: Record<string, unknown> = { Error: { Code: error.Code, Message: error.Message } };
    if (rm?.HTTPStatusCode !== undefined) {
      out.HTTPStatusCode = (v.ResponseMetadata as { HTTPStatusCode?: number } | undefined)?.HTTPStatusCode;
    }
    return out;
  }
  const { ResponseMetadata: _ignored, ...rest } = v;
  return rest;
}

// Assertions on the errors a caller sees: an SDK call that fails with a service error (its name,
// message and HTTP status), and a ServiceError thrown by a unit of the server itself.

import assert from "node:assert/strict";
import { ServiceError } from "../../src/contract/service-error.js";

export interface ExpectedError {
  name: string;
  /** the exact message, or a pattern; omitted: not checked */
  message?: string | RegExp;
  /** the HTTP status; omitted: not checked */
  status?: number;
}

async function failsWith(call: Promise<unknown>, expected: ExpectedError): Promise<void> {
  await assert.rejects(call, (e: unknown) => {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, expected.name, `error name (message: ${err.message})`);
    if (typeof expected.message === "string") assert.equal(err.message, expected.message);
    else if (expected.message) assert.match(err.message ?? "", expected.message);
    if (expected.status !== undefined) assert.equal(err.$metadata?.httpStatusCode, expected.status);
    return true;
  });
}

/** The call fails with this error name and, when given, this message. */
export function rejects(call: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  return failsWith(call, { name, message });
}

/** The call fails with this service error, its HTTP status included (400 unless given). */
export function refuses(call: Promise<unknown>, expected: ExpectedError): Promise<void> {
  return failsWith(call, { ...expected, status: expected.status ?? 400 });
}

/** `fn` throws a ServiceError with this code and the exact message or one matching the pattern. */
export function throwsServiceError(fn: () => unknown, code: string, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ServiceError, String(err));
    assert.equal(err.code, code);
    if (typeof message === "string") assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

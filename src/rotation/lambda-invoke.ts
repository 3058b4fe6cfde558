// A rotation function behind the AWS Lambda Invoke API (real Lambda, LocalStack, AWS's Runtime
// Interface Emulator): POST {endpoint}/2015-03-31/functions/{name}/invocations with the event as
// the body, SigV4-signed for service `lambda`. A function error is the X-Amz-Function-Error header.

import { signJsonPost, signRequest, type SigningCredentials } from "../util/sign-request.js";
import { RotationStepError, type RotationEvent, type RotationFunction } from "./rotation-function.js";

export interface LambdaSettings {
  /** base URL of the Lambda API, e.g. http://127.0.0.1:9001 */
  endpoint: string;
  credentials: SigningCredentials;
  /** how long one step may take (Lambda's own limit is 15 minutes) */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15 * 60_000;

/** The function `name` in `region` (the Region its requests are signed for); `stop` abandons a call under way. */
export function lambdaFunction(settings: LambdaSettings, name: string, region: string, stop?: AbortSignal): RotationFunction {
  return {
    async invoke(event: RotationEvent) {
      const url = new URL(`2015-03-31/functions/${encodeURIComponent(name)}/invocations`, withSlash(settings.endpoint));
      const body = JSON.stringify(event);
      const headers = await signJsonPost(url, body, { region, service: "lambda" }, settings.credentials);
      let res: Response;
      try {
        res = await fetch(url, { method: "POST", headers, body, signal: withStop(AbortSignal.timeout(settings.timeoutMs ?? DEFAULT_TIMEOUT_MS), stop) });
      } catch (e) {
        throw new RotationStepError(`the Lambda endpoint ${settings.endpoint} could not be reached: ${causeOf(e)}`);
      }
      const text = await res.text();
      if (res.status === 404) throw new RotationStepError(`Lambda function ${name} was not found at ${settings.endpoint}`);
      if (!res.ok) throw new RotationStepError(`Lambda Invoke of ${name} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
      const functionError = res.headers.get("x-amz-function-error");
      if (functionError) throw new RotationStepError(`function ${name} failed (${functionError}): ${errorMessage(text)}`);
    },
  };
}

/**
 * Whether the endpoint has function `name` (Lambda's GetFunction): false only when it says it has
 * not (404); an endpoint that cannot be asked is left to fail the rotation with its own reason.
 */
export async function functionExists(settings: LambdaSettings, name: string, region: string): Promise<boolean> {
  const url = new URL(`2015-03-31/functions/${encodeURIComponent(name)}`, withSlash(settings.endpoint));
  try {
    const headers = await signRequest("GET", url, { region, service: "lambda" }, settings.credentials);
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    return res.status !== 404;
  } catch {
    return true;
  }
}

const withStop = (timeout: AbortSignal, stop: AbortSignal | undefined) => (stop ? AbortSignal.any([timeout, stop]) : timeout);

const withSlash = (endpoint: string) => (endpoint.endsWith("/") ? endpoint : `${endpoint}/`);

function causeOf(e: unknown): string {
  const err = e as Error & { cause?: Error };
  return err.cause?.message ?? err.message;
}

/** Lambda's error payload is {"errorMessage", "errorType", ...}; anything else is shown as it came. */
function errorMessage(payload: string): string {
  try {
    const parsed = JSON.parse(payload) as { errorMessage?: unknown; errorType?: unknown };
    if (typeof parsed.errorMessage === "string") return typeof parsed.errorType === "string" ? `${parsed.errorType}: ${parsed.errorMessage}` : parsed.errorMessage;
  } catch {
    // not JSON: shown as is
  }
  return payload.slice(0, 300);
}

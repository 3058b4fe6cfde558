// Where the sub-commands that talk to a running Meridian find it, and how they say they could not.

const DEFAULT_ENDPOINT = "http://127.0.0.1:4566";

/** --endpoint, else MERIDIAN_ENDPOINT, else AWS_ENDPOINT_URL (what the AWS CLI and SDKs read), else the default. */
export function endpointOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env.MERIDIAN_ENDPOINT ?? env.AWS_ENDPOINT_URL ?? DEFAULT_ENDPOINT;
}

/** fetch, with a failure to connect worded on the URL that failed (fetch itself says only "fetch failed"). */
export async function reach(url: URL, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach Meridian at ${url.origin} (${cause?.code ?? cause?.message ?? (e as Error).message}); is it running? (--endpoint, MERIDIAN_ENDPOINT or AWS_ENDPOINT_URL)`, {
      cause: e,
    });
  }
}

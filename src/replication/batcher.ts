// Coalescing of messages to one destination (DESIGN §5.5): a message goes out at once when a request
// slot to its destination is free; messages that arrive while every slot is busy leave together in
// the next request. Under light load that is one message per request, as before; under heavy load
// the per-request cost (HTTP round trip, signature) is paid once for many changes. Each message's
// caller still gets its own answer or error.

export interface BatcherOptions<R> {
  /** requests in flight to one destination at once */
  slots: number;
  /** most encoded bytes in one request (a larger message travels alone) */
  maxBytes: number;
  /** most messages in one request */
  maxMessages: number;
  /** sends the encoded messages to `dest`; answers one result per message, in order */
  post(dest: string, encoded: string[]): Promise<(R | Error)[]>;
}

interface Waiting<R> {
  encoded: string;
  resolve(result: R): void;
  reject(error: Error): void;
}

export function makeBatcher<R>(opts: BatcherOptions<R>) {
  const queues = new Map<string, { waiting: Waiting<R>[]; inFlight: number }>();

  function take(waiting: Waiting<R>[]): Waiting<R>[] {
    const batch = [waiting.shift()!];
    let bytes = batch[0]!.encoded.length;
    while (waiting.length > 0 && batch.length < opts.maxMessages && bytes + waiting[0]!.encoded.length <= opts.maxBytes) {
      const next = waiting.shift()!;
      bytes += next.encoded.length;
      batch.push(next);
    }
    return batch;
  }

  function pump(dest: string) {
    const q = queues.get(dest)!;
    while (q.inFlight < opts.slots && q.waiting.length > 0) {
      const batch = take(q.waiting);
      q.inFlight++;
      opts
        .post(dest, batch.map((w) => w.encoded))
        .then(
          (results) => batch.forEach((w, i) => {
            const r = results[i];
            if (r === undefined) w.reject(new Error(`${dest} sent no answer for a message`));
            else if (r instanceof Error) w.reject(r);
            else w.resolve(r);
          }),
          (e: Error) => batch.forEach((w) => w.reject(e)),
        )
        .finally(() => {
          q.inFlight--;
          if (q.waiting.length > 0) pump(dest);
          else if (q.inFlight === 0) queues.delete(dest);
        });
    }
  }

  return {
    /** queue an encoded message for `dest`; resolves with its own answer */
    send(dest: string, encoded: string): Promise<R> {
      let q = queues.get(dest);
      if (!q) queues.set(dest, (q = { waiting: [], inFlight: 0 }));
      const answer = new Promise<R>((resolve, reject) => q.waiting.push({ encoded, resolve, reject }));
      pump(dest);
      return answer;
    },
  };
}

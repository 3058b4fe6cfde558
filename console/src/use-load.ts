// Loading what a page shows: the value, whether it is loading, and reload(); a failure goes to the
// flashbar. `pollMs` reloads on a timer while `keepPolling(value)` says so (replication InProgress).

import { useCallback, useEffect, useRef, useState } from "react";
import { useFlash } from "./flash";

export function useLoad<T>(load: () => Promise<T>, deps: unknown[], what: string, poll?: { ms: number; while: (v: T) => boolean }) {
  const flash = useFlash();
  const [value, setValue] = useState<T | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const flashRef = useRef(flash);
  flashRef.current = flash;

  /** `quiet`: a poll, which keeps showing the current value while it loads */
  const reload = useCallback(async (quiet = false) => {
    const mine = ++generation.current;
    if (!quiet) setLoading(true);
    try {
      const v = await load();
      if (mine === generation.current) setValue(v);
    } catch (e) {
      if (mine === generation.current) flashRef.current.error(e, what);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, deps);

  useEffect(() => {
    setValue(undefined);
    void reload();
  }, [reload]);

  const polling = value !== undefined && poll !== undefined && poll.while(value);
  useEffect(() => {
    if (!polling || !poll) return;
    const timer = setInterval(() => void reload(true), poll.ms);
    return () => clearInterval(timer);
  }, [polling, reload, poll?.ms]);

  return { value, loading, reload, setValue };
}

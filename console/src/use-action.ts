// An action the user starts (enable a key, promote a replica, rotate): `busy` while it runs, its
// success or its error in the flashbar, then `after` (reload what the page shows, close a form).
// `run` resolves true when the action succeeded.

import { useState } from "react";
import { useFlash } from "./flash";

export function useAction(after: () => unknown) {
  const flash = useFlash();
  const [busy, setBusy] = useState(false);
  async function run(failed: string, call: () => Promise<unknown>, done: string): Promise<boolean> {
    setBusy(true);
    try {
      await call();
      flash.success(done);
      await after();
      return true;
    } catch (e) {
      flash.error(e, failed);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, run };
}

// What the tests of the distributed shape share: free ports for processes started with a topology,
// and waiting, bounded, for something that happens asynchronously between them.

import { createServer } from "node:net";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export { eventually } from "./wait-for.js";

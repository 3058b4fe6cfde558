// The yardstick for the GetSecretValue benchmark: a bare node:http server that answers every request
// with a fixed body of the same size as Meridian's response. Started by bench/run.ts.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const body = Buffer.from(process.env.BARE_BODY ?? "{}");
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, {
      "content-type": "application/x-amz-json-1.1",
      "content-length": body.length,
      "x-amzn-requestid": "00000000-0000-0000-0000-000000000000",
    });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));

// A stack a stopped process left in progress is not stuck there for ever (issue 15): at the next
// start the writer marks it failed, with a reason, and it can be deleted again.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DeleteStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { startMeridian } from "../support/meridian.js";
import { cfnClient, eventsOf } from "../cloudformation/cfn-support.js";
import { makeStackRepo } from "../../src/cloudformation/engine/stack-repo.js";

describe("CloudFormation after a restart", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "meridian-cfn-restart-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("marks a stack left in CREATE_IN_PROGRESS as CREATE_FAILED", async () => {
    const first = await startMeridian({ dataDir });
    const node = first.server.host.node("us-east-1")!;
    // what a process killed in the middle of a create leaves behind
    await makeStackRepo(node.store, node.wrapper).putStack({
      StackId: "arn:aws:cloudformation:us-east-1:111111111111:stack/interrupted/5f1c7a52-0000-4000-8000-000000000001",
      StackName: "interrupted",
      accountId: "111111111111",
      StackStatus: "CREATE_IN_PROGRESS",
      CreationTime: Date.now(),
      Capabilities: [],
      Tags: [],
      DisableRollback: false,
      EnableTerminationProtection: false,
      templateBody: 'Resources:\n  H:\n    Type: "AWS::CloudFormation::WaitConditionHandle"\n',
      parameters: {},
      resources: {},
      outputs: [],
      imports: [],
    });
    await first.stop();

    const second = await startMeridian({ dataDir });
    try {
      const cfn = cfnClient(second.url);
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: "interrupted" }))).Stacks![0]!;
      assert.equal(stack.StackStatus, "CREATE_FAILED");
      assert.match(stack.StackStatusReason!, /^Meridian stopped while this operation was in progress/);
      assert.equal((await eventsOf(cfn, "interrupted"))[0]?.ResourceStatus, "CREATE_FAILED");
      await cfn.send(new DeleteStackCommand({ StackName: "interrupted" }));
      for (let i = 0; i < 200; i++) {
        const left = await cfn.send(new DescribeStacksCommand({ StackName: "interrupted" })).catch(() => undefined);
        if (!left) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      assert.fail("the failed stack was not deleted");
    } finally {
      await second.stop();
    }
  });
});

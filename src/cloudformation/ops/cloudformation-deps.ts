// What the CloudFormation operations need: the Region's stack documents and the engine.

import type { StackRepo } from "../engine/stack-repo.js";
import type { StackEngine } from "../engine/stack-engine.js";

export interface CloudFormationDeps {
  repo: StackRepo;
  engine: StackEngine;
  now(): number;
}

// The CloudFormation API of one Region (DESIGN §10; query protocol, regional): stacks and change
// sets kept as sealed documents in the Region's store, carried out by the engine with the
// deployer's own calls. `recoverInterrupted` runs once at start, in the Region's writer.

import type { OperationTable } from "../contract/call-context.js";
import type { CloudFormationOperations } from "../generated/cloudformation-api.js";
import type { DocumentRepo } from "../store/store.js";
import type { Logger } from "../util/logger.js";
import { makeStackRepo, type Sealer } from "./engine/stack-repo.js";
import { makeStackEngine } from "./engine/stack-engine.js";
import { stackOperations } from "./ops/stack-ops.js";
import { changeSetOperations } from "./ops/change-set-ops.js";

export interface CloudFormationServiceDeps {
  store: DocumentRepo;
  sealer: Sealer;
  region: string;
  partition: string;
  now(): number;
  log: Logger;
}

export function makeCloudFormationService(deps: CloudFormationServiceDeps) {
  const repo = makeStackRepo(deps.store, deps.sealer);
  const engine = makeStackEngine({ repo, region: deps.region, partition: deps.partition, now: deps.now, log: deps.log });
  const opsDeps = { repo, engine, now: deps.now };
  const operations: OperationTable<CloudFormationOperations> = { ...stackOperations(opsDeps), ...changeSetOperations(opsDeps) };
  return { operations, recoverInterrupted: engine.recoverInterrupted };
}

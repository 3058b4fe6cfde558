// Every resource type Meridian provisions, by CloudFormation type name. AWS::CDK::Metadata and
// AWS::CloudFormation::WaitConditionHandle are accepted and make nothing (CDK apps emit them).

import { secretHandler } from "./secret.js";
import { resourcePolicyHandler, rotationScheduleHandler } from "./secret-policy.js";
import { aliasHandler, keyHandler, replicaKeyHandler } from "./kms-key.js";
import { groupHandler, roleHandler, userHandler } from "./iam-principals.js";
import { accessKeyHandler, managedPolicyHandler, policyHandler, userToGroupHandler } from "./iam-policies.js";
import type { ResourceHandler } from "./resource-types.js";

const noOp: ResourceHandler = {
  async create(ctx) {
    return { physicalId: ctx.generatedName(64), attributes: {} };
  },
  async update(_ctx, _props, old) {
    return old.state;
  },
  async delete() {},
};

export const resourceTypes: Readonly<Record<string, ResourceHandler>> = {
  "AWS::SecretsManager::Secret": secretHandler,
  "AWS::SecretsManager::ResourcePolicy": resourcePolicyHandler,
  "AWS::SecretsManager::RotationSchedule": rotationScheduleHandler,
  "AWS::KMS::Key": keyHandler,
  "AWS::KMS::ReplicaKey": replicaKeyHandler,
  "AWS::KMS::Alias": aliasHandler,
  "AWS::IAM::User": userHandler,
  "AWS::IAM::Group": groupHandler,
  "AWS::IAM::Role": roleHandler,
  "AWS::IAM::Policy": policyHandler,
  "AWS::IAM::ManagedPolicy": managedPolicyHandler,
  "AWS::IAM::AccessKey": accessKeyHandler,
  "AWS::IAM::UserToGroupAddition": userToGroupHandler,
  "AWS::CDK::Metadata": noOp,
  "AWS::CloudFormation::WaitConditionHandle": noOp,
};

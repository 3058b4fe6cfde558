// Customer managed policies and their versions: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy
// (refused while attached, set as a permissions boundary, or with versions besides the default), CreatePolicyVersion (at most five,
// SetAsDefault), GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion, SetDefaultPolicyVersion.

import { newIamId, type PartitionDirectory } from "../../identity/directory.js";
import type { IamManagedPolicy, IamPolicyVersion } from "../../contract/identity-types.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type { IamOperations, PolicyVersion } from "../../generated/iam-api.js";
import { parseArn } from "../../util/arn.js";
import { deleteConflict, entityAlreadyExists, limitExceeded, policyNotFound, policyVersionNotFound, quota } from "../iam-errors.js";
import {
  asDate,
  checkDocument,
  directoryOf,
  encodeDocument,
  entityArn,
  findEntity,
  page,
  policyOut,
  policyUsage,
  tagsOf,
  type IamDeps,
} from "../iam-common.js";

/** IAM's quota on a managed policy document, white space not counted. */
const MANAGED_POLICY_SIZE = 6144;
const MAX_VERSIONS = 5;

const checkManaged = (text: string) => checkDocument(text, "identity", MANAGED_POLICY_SIZE, () => quota("PolicySize", MANAGED_POLICY_SIZE));

/** The customer managed policy an ARN names in the caller's account, or undefined. */
export function policyByArn(dir: PartitionDirectory, ctx: CallContext, arn: string): IamManagedPolicy | undefined {
  const parsed = parseArn(arn);
  if (!parsed || parsed.partition !== ctx.partition || parsed.service !== "iam" || parsed.accountId !== ctx.accountId) return undefined;
  if (!parsed.resource.startsWith("policy/")) return undefined;
  const policy = dir.get(ctx.accountId, "policy", arn.slice(arn.lastIndexOf("/") + 1));
  return policy && policy.arn === arn ? policy : undefined;
}

function requirePolicy(dir: PartitionDirectory, ctx: CallContext, arn: string): IamManagedPolicy {
  const policy = policyByArn(dir, ctx, arn);
  if (!policy) throw policyNotFound(arn);
  return policy;
}

function requireVersion(policy: IamManagedPolicy, versionId: string): IamPolicyVersion {
  const version = policy.versions.find((v) => v.versionId === versionId);
  if (!version) throw policyVersionNotFound(policy.arn, versionId);
  return version;
}

const versionOut = (p: IamManagedPolicy, v: IamPolicyVersion, withDocument: boolean): PolicyVersion => ({
  ...(withDocument ? { Document: encodeDocument(v.document) } : {}),
  VersionId: v.versionId,
  IsDefaultVersion: v.versionId === p.defaultVersionId,
  CreateDate: asDate(v.createDate),
});

/** Newest version first, as IAM lists them. */
const versionOrder = (v: IamPolicyVersion) => String(1e9 - Number(v.versionId.slice(1))).padStart(10, "0");

export function policyOperations(deps: IamDeps): OperationTable<IamOperations> {
  return {
    async CreatePolicy(ctx, input) {
      checkManaged(input.PolicyDocument);
      const tags = tagsOf(input, "TagsPerPolicy");
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        if (findEntity(dir, ctx.accountId, "policy", input.PolicyName)) {
          throw entityAlreadyExists(`A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`);
        }
        const path = input.Path ?? "/";
        const now = deps.clock.now();
        const policy: IamManagedPolicy = {
          kind: "policy",
          accountId: ctx.accountId,
          name: input.PolicyName,
          path,
          id: newIamId("ANPA"),
          arn: entityArn(ctx, "policy", path, input.PolicyName),
          createDate: now,
          updateDate: now,
          defaultVersionId: "v1",
          versions: [{ versionId: "v1", document: input.PolicyDocument, createDate: now }],
          nextVersion: 2,
          tags,
          ...(input.Description !== undefined ? { description: input.Description } : {}),
        };
        return { change: { put: [policy] }, result: { Policy: policyOut(policy, { attachments: 0, boundaries: 0 }) } };
      });
    },

    async GetPolicy(ctx, input) {
      const dir = directoryOf(deps, ctx);
      const policy = requirePolicy(dir, ctx, input.PolicyArn);
      return { Policy: policyOut(policy, policyUsage(dir, ctx.accountId, policy.arn)) };
    },

    async ListPolicies(ctx, input) {
      const dir = directoryOf(deps, ctx);
      // Only customer managed policies exist here: Scope AWS lists none.
      const policies = input.Scope === "AWS" ? [] : dir.list(ctx.accountId, "policy");
      const rows = policies
        .filter((p) => input.PathPrefix === undefined || p.path.startsWith(input.PathPrefix))
        .map((p) => ({ p, usage: policyUsage(dir, ctx.accountId, p.arn) }))
        .filter((r) => !input.OnlyAttached || r.usage.attachments > 0);
      const { items, ...rest } = page(rows, input, (r) => r.p.name.toLowerCase());
      return { Policies: items.map((r) => policyOut(r.p, r.usage, false)), ...rest };
    },

    async DeletePolicy(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const policy = requirePolicy(dir, ctx, input.PolicyArn);
        // A permissions boundary counts as an attachment here, as in IAM.
        const usage = policyUsage(dir, ctx.accountId, policy.arn);
        if (usage.attachments > 0 || usage.boundaries > 0) throw deleteConflict("Cannot delete a policy attached to entities.");
        if (policy.versions.length > 1) {
          throw deleteConflict(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
          );
        }
        return { change: { remove: [policy] }, result: {} };
      });
    },

    async CreatePolicyVersion(ctx, input) {
      checkManaged(input.PolicyDocument);
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const policy = requirePolicy(dir, ctx, input.PolicyArn);
        if (policy.versions.length >= MAX_VERSIONS) {
          throw limitExceeded(`A managed policy can have up to ${MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version.`);
        }
        const now = deps.clock.now();
        const version: IamPolicyVersion = { versionId: `v${policy.nextVersion}`, document: input.PolicyDocument, createDate: now };
        const updated: IamManagedPolicy = {
          ...policy,
          versions: [...policy.versions, version],
          nextVersion: policy.nextVersion + 1,
          ...(input.SetAsDefault ? { defaultVersionId: version.versionId, updateDate: now } : {}),
        };
        return { change: { put: [updated] }, result: { PolicyVersion: versionOut(updated, version, false) } };
      });
    },

    async GetPolicyVersion(ctx, input) {
      const policy = requirePolicy(directoryOf(deps, ctx), ctx, input.PolicyArn);
      return { PolicyVersion: versionOut(policy, requireVersion(policy, input.VersionId), true) };
    },

    async ListPolicyVersions(ctx, input) {
      const policy = requirePolicy(directoryOf(deps, ctx), ctx, input.PolicyArn);
      const { items, ...rest } = page(policy.versions, input, versionOrder);
      return { Versions: items.map((v) => versionOut(policy, v, false)), ...rest };
    },

    async DeletePolicyVersion(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const policy = requirePolicy(dir, ctx, input.PolicyArn);
        const version = requireVersion(policy, input.VersionId);
        if (version.versionId === policy.defaultVersionId) throw deleteConflict("Cannot delete the default version of a policy.");
        const updated: IamManagedPolicy = { ...policy, versions: policy.versions.filter((v) => v !== version) };
        return { change: { put: [updated] }, result: {} };
      });
    },

    async SetDefaultPolicyVersion(ctx, input) {
      const dir = directoryOf(deps, ctx);
      return dir.change(() => {
        const policy = requirePolicy(dir, ctx, input.PolicyArn);
        const version = requireVersion(policy, input.VersionId);
        const updated: IamManagedPolicy = { ...policy, defaultVersionId: version.versionId, updateDate: deps.clock.now() };
        return { change: { put: [updated] }, result: {} };
      });
    },
  };
}

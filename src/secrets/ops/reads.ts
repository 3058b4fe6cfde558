// GetSecretValue, BatchGetSecretValue, DescribeSecret, ListSecretVersionIds and ListSecrets.

import { invalidParameter, ServiceError } from "../../contract/service-error.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import { startOfUtcDay } from "../../util/clock.js";
import type { SecretRecord } from "../../contract/secret-types.js";
import { dateOf, type SecretsCore } from "../secrets-core.js";
import type * as SM from "../../generated/secretsmanager-api.js";
import { CURRENT, versionWithLabel } from "../labels.js";
import { noValueForStage, noValueForVersion, stageNotOnVersion } from "../secret-errors.js";
import { describeSecretOutput, secretListEntry } from "../render.js";
import { replicationStatus } from "./replication.js";
import { decodeNextToken, encodeNextToken, filterSecrets, pageSize, paginate, sortSecrets, namePrefixes } from "../list-filter.js";

export function readOps(core: SecretsCore): OperationTable<SM.SecretsManagerOperations> {
  /** The value of one version of a secret, recording the access (day resolution). */
  async function readValue(ctx: CallContext, record: SecretRecord, versionId?: string, stage?: string): Promise<SM.GetSecretValueResponse> {
    let version;
    if (versionId !== undefined) {
      version = record.versions.find((v) => v.versionId === versionId);
      if (!version) throw noValueForVersion(versionId);
      if (stage !== undefined && !version.stages.includes(stage)) throw stageNotOnVersion();
    } else {
      const label = stage ?? CURRENT;
      version = versionWithLabel(record.versions, label);
      if (!version) throw noValueForStage(label);
    }
    const value = await core.open(ctx, record, version.versionId);
    if (!value) throw noValueForVersion(version.versionId);
    const today = startOfUtcDay(core.clock.now());
    if (version.lastAccessedDate !== today || record.lastAccessedDate !== today) {
      await core.store.touchAccessed(record.arn, version.versionId, today);
    }
    return {
      ARN: record.arn,
      Name: record.name,
      VersionId: version.versionId,
      SecretString: value.kind === "string" ? value.bytes.toString("utf8") : undefined,
      SecretBinary: value.kind === "binary" ? value.bytes.toString("base64") : undefined,
      VersionStages: version.stages,
      CreatedDate: dateOf(version.createdDate),
    };
  }

  async function getSecretValue(ctx: CallContext, input: SM.GetSecretValueRequest): Promise<SM.GetSecretValueResponse> {
    const record = await core.lookup(ctx, input.SecretId);
    return readValue(ctx, record, input.VersionId, input.VersionStage);
  }

  async function batchGetSecretValue(ctx: CallContext, input: SM.BatchGetSecretValueRequest): Promise<SM.BatchGetSecretValueResponse> {
    const given = input.SecretIdList;
    if (given && input.Filters) throw invalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.");
    if (!given && !input.Filters) throw invalidParameter("Either 'SecretIdList' or 'Filters' must be provided.");
    if (given && input.MaxResults !== undefined) {
      throw invalidParameter("'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.");
    }
    // Each secret is decided and read exactly as GetSecretValue decides and reads it (its
    // resource policy, tags and customer managed key included); without a way to decide, refuse.
    const authorizeAs = ctx.authorizeAs;
    if (!authorizeAs) {
      throw new ServiceError("AccessDeniedException", `User: ${ctx.principalArn} is not authorized to perform: secretsmanager:GetSecretValue`);
    }
    let ids = given;
    let nextToken: string | undefined;
    if (!ids) {
      // By filters the caller lists the account's secrets: AWS requires ListSecrets for that.
      await authorizeAs("ListSecrets", {});
      const live = (await core.store.listSecrets(ctx.accountId)).filter((r) => r.deletedDate === undefined);
      const page = paginate(sortSecrets(filterSecrets(live, input.Filters)), input.MaxResults, input.NextToken, 20);
      nextToken = page.nextToken;
      ids = page.page.map((record) => record.arn);
    }
    const values: SM.SecretValueEntry[] = [];
    const errors: SM.APIErrorType[] = [];
    for (const id of ids) {
      try {
        const one = { SecretId: id };
        await authorizeAs("GetSecretValue", one);
        values.push(await getSecretValue(ctx, one));
      } catch (e) {
        if (!(e instanceof ServiceError)) throw e;
        errors.push({ SecretId: id, ErrorCode: e.code, Message: e.message });
      }
    }
    return { SecretValues: values, Errors: errors.length ? errors : undefined, NextToken: nextToken };
  }

  async function describeSecret(ctx: CallContext, input: SM.DescribeSecretRequest): Promise<SM.DescribeSecretResponse> {
    const record = await core.lookup(ctx, input.SecretId, { allowDeleted: true });
    return { ...describeSecretOutput(record), ReplicationStatus: await replicationStatus(core, record) };
  }

  async function listSecretVersionIds(ctx: CallContext, input: SM.ListSecretVersionIdsRequest): Promise<SM.ListSecretVersionIdsResponse> {
    const record = await core.lookup(ctx, input.SecretId, { allowDeleted: true });
    const versions = record.versions
      .filter((v) => input.IncludeDeprecated || v.stages.length > 0)
      .sort((a, b) => a.createdDate - b.createdDate);
    const page = paginate(versions, input.MaxResults, input.NextToken, 100);
    return {
      ARN: record.arn,
      Name: record.name,
      NextToken: page.nextToken,
      Versions: page.page.map((v): SM.SecretVersionsListEntry => ({
        VersionId: v.versionId,
        VersionStages: v.stages.length ? v.stages : undefined,
        LastAccessedDate: dateOf(v.lastAccessedDate),
        CreatedDate: dateOf(v.createdDate),
        KmsKeyIds: [v.kmsKeyId ?? "DefaultEncryptionKey"],
      })),
    };
  }

  async function listSecrets(ctx: CallContext, input: SM.ListSecretsRequest): Promise<SM.ListSecretsResponse> {
    // Without filters, in an order the store keeps indexed, a page is read without a full scan.
    const by = input.SortBy ?? "created-date";
    if (input.Filters === undefined && (by === "created-date" || by === "name")) {
      sortSecrets([], input.SortBy, input.SortOrder); // the same validation as the scan
      const limit = pageSize(input.MaxResults, 100);
      const offset = input.NextToken === undefined ? 0 : decodeNextToken(input.NextToken);
      const rows = await core.store.listSecretsPage(ctx.accountId, {
        by, order: input.SortOrder ?? "asc", offset, limit: limit + 1, includeDeleted: input.IncludePlannedDeletion === true,
      });
      const page = rows.slice(0, limit);
      return { SecretList: page.map(secretListEntry), NextToken: rows.length > limit ? encodeNextToken(offset + limit) : undefined };
    }
    // A name filter without negations narrows the scan to the names it allows (the filters are
    // still applied, and validated, on those candidates: the answer is the same as a full scan's).
    const prefixes = namePrefixes(input.Filters);
    const all = prefixes ? await core.store.listSecretsByNamePrefix(ctx.accountId, prefixes) : await core.store.listSecrets(ctx.accountId);
    const visible = input.IncludePlannedDeletion ? all : all.filter((r) => r.deletedDate === undefined);
    const sorted = sortSecrets(filterSecrets(visible, input.Filters), input.SortBy, input.SortOrder);
    const page = paginate(sorted, input.MaxResults, input.NextToken, 100);
    // SecretListEntry has PrimaryRegion but no ReplicationStatus: only DescribeSecret reports it.
    return { SecretList: page.page.map(secretListEntry), NextToken: page.nextToken };
  }

  return {
    GetSecretValue: getSecretValue,
    BatchGetSecretValue: batchGetSecretValue,
    DescribeSecret: describeSecret,
    ListSecretVersionIds: listSecretVersionIds,
    ListSecrets: listSecrets,
  };
}

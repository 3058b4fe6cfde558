// Types of the policy engine: a policy document as parse-policy normalizes it, the request context
// the evaluator decides against, and the decision it returns (DESIGN §6). Nothing here does I/O.
// In the contract layer because the services, authz, audit and the edge speak it as much as the engine.

type Effect = "Allow" | "Deny";

/** Which grammar a document follows (policy-grammar.ts): identity policies have no Principal;
 *  resource (a secret's resource policy), kms-key and trust policies must have one; trust policies
 *  no Resource. */
export type PolicyKind = "identity" | "resource" | "kms-key" | "trust";

/** Principal element after normalization: "*" or lists per principal type. */
export type PrincipalSpec =
  | "*"
  | { AWS?: string[]; Service?: string[]; Federated?: string[]; CanonicalUser?: string[] };

type SetQualifier = "ForAnyValue" | "ForAllValues";

/** One key of one condition operator block, e.g. "StringEquals": { "aws:ResourceTag/team": [...] }. */
export interface ConditionClause {
  /** the operator as written, e.g. "ForAnyValue:StringLikeIfExists" */
  operator: string;
  /** the operator without qualifier or IfExists, e.g. "StringLike" */
  base: string;
  qualifier?: SetQualifier;
  ifExists: boolean;
  /** condition key as written; looked up case-insensitively */
  key: string;
  /** policy values, stringified (JSON booleans and numbers become their text) */
  values: string[];
}

export interface Statement {
  /** position of the statement in the document, from 0 */
  index: number;
  sid?: string;
  effect: Effect;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  conditions: ConditionClause[];
}

export interface PolicyDocument {
  version: "2012-10-17" | "2008-10-17";
  id?: string;
  statements: Statement[];
}

/** A normalized document with where it came from, as the evaluator reports it. */
export interface PolicyInput {
  /** e.g. a managed policy ARN, "user/alice/inline/ReadBlue", or the secret ARN for its resource policy */
  policyId: string;
  document: PolicyDocument;
}

/** A value of a condition key in the request context. Multi-valued keys (aws:TagKeys,
 *  secretsmanager:AddReplicaRegions) are arrays; Date is read as an instant. */
export type ContextValue = string | string[] | boolean | number | Date;

type PrincipalType = "Root" | "User" | "Role" | "AssumedRole" | "Service" | "Anonymous";

export interface RequestPrincipal {
  /** e.g. arn:aws:iam::111122223333:user/alice, arn:aws:sts::111122223333:assumed-role/R/s;
   *  for a service principal its name, e.g. secretsmanager.amazonaws.com */
  arn: string;
  /** 12-digit account id; empty for service and anonymous principals */
  account: string;
  type: PrincipalType;
  /** for AssumedRole: the role's ARN, which a Principal element may name instead of the session */
  roleArn?: string;
  /** user name, the value of ${aws:username} (IAM users only) */
  username?: string;
  /** unique id, the value of ${aws:userid} */
  userId?: string;
  tags?: Record<string, string>;
}

export interface RequestContext {
  principal: RequestPrincipal;
  /** e.g. "secretsmanager:GetSecretValue" */
  action: string;
  /** ARN of the resource acted on ("*" for actions without a resource) */
  resource: string;
  /** account that owns the resource */
  resourceAccount: string;
  /** condition keys the request supplies (aws:ResourceTag/team, aws:SourceIp, aws:CurrentTime,
   *  secretsmanager:VersionStage, kms:EncryptionContext:purpose, ...); names are case-insensitive */
  conditions?: ConditionValues | readonly ConditionValues[];
}

/** Condition keys and their values; given as layers, a later layer's value wins. */
export type ConditionValues = Readonly<Record<string, ContextValue | undefined>>;

/** A resource-based policy: a secret's resource policy, a KMS key policy, or a role's trust
 *  policy. Key and trust policies AWS treats specially: a principal they name is allowed by them
 *  alone, an account they name only lets that account's IAM policies decide. */
export interface ResourcePolicyInput extends PolicyInput {
  kind?: "resource" | "kms-key" | "trust";
}

/** A stored resource-based policy that does not parse (an old or damaged record): it denies every
 *  request on its resource, whoever asks. */
interface UnreadablePolicyInput {
  policyId: string;
  kind?: ResourcePolicyInput["kind"];
  /** what the parser found wrong */
  unreadable: string;
}

/** A resource's own policy as the evaluator takes it. */
export type ResourcePolicyRef = ResourcePolicyInput | UnreadablePolicyInput;

export interface EvaluationInput {
  context: RequestContext;
  identityPolicies: PolicyInput[];
  resourcePolicy?: ResourcePolicyRef;
  /** the user's or role's permissions boundary: identity-based permissions go no further */
  permissionsBoundary?: PolicyInput;
  /** the session policies an AssumeRole passed (inline and managed): one of them must allow too */
  sessionPolicies?: PolicyInput[];
}

/** What the caller brings to every decision: its identity-based policies and what limits them. */
export type CallerPolicies = Pick<EvaluationInput, "identityPolicies" | "permissionsBoundary" | "sessionPolicies">;

type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

export interface StatementRef {
  policyId: string;
  source: "identity" | "resource" | "boundary" | "session";
  sid?: string;
  /** position in the document; -1 when the document itself could not be read */
  index: number;
}

/** Why an ImplicitDeny, in the words AWS uses in AccessDenied messages; "RootUser" for the
 *  account root's implicit access to its own account's resources; "UnreadablePolicy" for the
 *  ExplicitDeny a resource policy that does not parse gives. */
export type DecisionReason =
  | "NoIdentityPolicyAllows"
  | "NoResourcePolicyAllows"
  | "NoPolicyAllows"
  | "NoPermissionsBoundaryAllows"
  | "NoSessionPolicyAllows"
  | "RootUser"
  | "UnreadablePolicy";

export interface EvaluationResult {
  decision: Decision;
  /** the statement that decided: the deny that matched, or the allow that granted (for a
   *  cross-account Allow, the identity policy's; the resource policy's is resourceStatement) */
  statement?: StatementRef;
  resourceStatement?: StatementRef;
  reason?: DecisionReason;
}

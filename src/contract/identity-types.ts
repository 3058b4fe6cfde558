// Identities a partition knows (DESIGN §6): accounts, IAM users, groups, roles, managed policies and
// access keys. They are written in the partition's home Region; policy documents are kept as the
// JSON text the caller sent (IAM returns them URL-encoded, as given).

export interface AccessKeyRecord {
  accessKeyId: string;
  accountId: string;
  /** ARN of the principal the key belongs to (the account root for the bootstrap admin) */
  principalArn: string;
  /** the IAM user the key belongs to; absent for an account's root key */
  userName?: string;
  /**
   * that user's unique id (AIDA…): the key signs for this user only, never for a later user given
   * the same name. Absent in records written before keys were bound (the directory binds them at load).
   */
  userId?: string;
  /** the secret access key, wrapped by the Region's root key */
  wrappedSecret: Buffer;
  status: "Active" | "Inactive";
  createdDate: number;
  /** when and where the key was last used (epoch ms, Region, service) */
  lastUsed?: { date: number; region: string; service: string };
}

export interface IamTag {
  Key: string;
  Value: string;
}

/** What users, groups and roles share: a name unique in the account, a path, an id, policies. */
interface IamPrincipalEntity {
  accountId: string;
  name: string;
  path: string;
  /** the unique id IAM gives (AIDA… users, AGPA… groups, AROA… roles) */
  id: string;
  arn: string;
  createDate: number;
  /** inline policies by name: the document text */
  inlinePolicies: Record<string, string>;
  /** ARNs of the managed policies attached */
  attachedPolicies: string[];
}

export interface IamUser extends IamPrincipalEntity {
  kind: "user";
  tags: IamTag[];
  /** names of the groups the user is in */
  groups: string[];
  permissionsBoundary?: string;
  /** the user's console password (IAM's login profile); absent: the user cannot sign in */
  loginProfile?: LoginProfileRecord;
  /** console sessions signed out before they expired (sign-out, src/signin/) */
  signedOut?: SignedOutSession[];
}

/** A console password: only its scrypt hash is kept (src/iam/password/). */
export interface LoginProfileRecord {
  passwordHash: string;
  createDate: number;
  /** when the password was last set (the policy's MaxPasswordAge counts from here) */
  passwordSetDate: number;
  passwordResetRequired: boolean;
  /** earlier passwords' hashes, newest first, as many as the password policy's PasswordReusePrevention */
  previousHashes?: string[];
}

/** A session ended by sign-out: its access key id (ASIA…), kept until it would have expired. */
export interface SignedOutSession {
  accessKeyId: string;
  expiration: number;
}

/** An account's password policy (IAM's PasswordPolicy), every member set. */
export interface PasswordPolicyRecord {
  MinimumPasswordLength: number;
  RequireSymbols: boolean;
  RequireNumbers: boolean;
  RequireUppercaseCharacters: boolean;
  RequireLowercaseCharacters: boolean;
  AllowUsersToChangePassword: boolean;
  /** days; 0: passwords do not expire */
  MaxPasswordAge: number;
  /** how many earlier passwords may not be used again; 0: any */
  PasswordReusePrevention: number;
  HardExpiry: boolean;
}

export interface IamGroup extends IamPrincipalEntity {
  kind: "group";
}

export interface IamRole extends IamPrincipalEntity {
  kind: "role";
  tags: IamTag[];
  assumeRolePolicyDocument: string;
  description?: string;
  /** seconds, 3600–43200 */
  maxSessionDuration: number;
  permissionsBoundary?: string;
}

export interface IamPolicyVersion {
  versionId: string; // "v1", "v2", …
  document: string;
  createDate: number;
}

export interface IamManagedPolicy {
  kind: "policy";
  accountId: string;
  name: string;
  path: string;
  id: string; // ANPA…
  arn: string;
  description?: string;
  createDate: number;
  updateDate: number;
  defaultVersionId: string;
  /** at most five */
  versions: IamPolicyVersion[];
  /** the next version number to hand out */
  nextVersion: number;
  tags: IamTag[];
}

/** An account of the partition, made at bootstrap or by `meridian accounts create`. */
export interface IamAccount {
  kind: "account";
  accountId: string;
  /** the account id, so every entity has a name */
  name: string;
  createDate: number;
  alias?: string;
  /** the account's password policy; absent: IAM's default rules */
  passwordPolicy?: PasswordPolicyRecord;
  /** the root user's console sessions signed out before they expired */
  signedOut?: SignedOutSession[];
}

export type IamEntity = IamUser | IamGroup | IamRole | IamManagedPolicy | IamAccount;
export type IamEntityKind = IamEntity["kind"];
export type IamEntityOf<K extends IamEntityKind> = Extract<IamEntity, { kind: K }>;

// Identities known to a Region. This issue only has access keys for account principals; IAM users,
// roles and policies arrive with the identity issue.

export interface AccessKeyRecord {
  accessKeyId: string;
  accountId: string;
  /** ARN of the principal the key belongs to (the account root for the bootstrap admin) */
  principalArn: string;
  /** the secret access key, wrapped by the Region's root key */
  wrappedSecret: Buffer;
  status: "Active" | "Inactive";
  createdDate: number;
}

// What a built-in rotator may do with Secrets Manager: the calls AWS's rotation templates make
// (with the SDK, under the function's role), served in-process by the rotation engine.

export interface RotatorSecretValue {
  ARN: string;
  VersionId: string;
  SecretString?: string;
  VersionStages: string[];
}

export interface RotatorSecretsApi {
  /** DescribeSecret: the versions and their staging labels */
  describeSecret(secretId: string): Promise<{ ARN: string; RotationEnabled?: boolean; VersionIdsToStages: Record<string, string[]> }>;
  /** GetSecretValue; rejects with ResourceNotFoundException when no such version or label */
  getSecretValue(input: { SecretId: string; VersionId?: string; VersionStage?: string }): Promise<RotatorSecretValue>;
  /** PutSecretValue */
  putSecretValue(input: { SecretId: string; ClientRequestToken: string; SecretString: string; VersionStages: string[] }): Promise<void>;
  /** UpdateSecretVersionStage */
  updateSecretVersionStage(input: { SecretId: string; VersionStage: string; MoveToVersionId?: string; RemoveFromVersionId?: string }): Promise<void>;
  /** GetRandomPassword, with AWS's options */
  getRandomPassword(input: { PasswordLength?: number; ExcludeCharacters?: string; ExcludeNumbers?: boolean; ExcludePunctuation?: boolean; ExcludeUppercase?: boolean; ExcludeLowercase?: boolean; IncludeSpace?: boolean; RequireEachIncludedType?: boolean }): Promise<string>;
}

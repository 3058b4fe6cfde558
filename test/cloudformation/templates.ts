// Templates the CloudFormation tests deploy (each passes cfn-lint: cloudformation-lint.test.ts).

/** us-east-1: a multi-Region customer key, exported. */
export const PRIMARY_KEY = `AWSTemplateFormatVersion: "2010-09-09"
Description: A multi-Region customer key for the team's secrets
Resources:
  PrimaryKey:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub "secrets of \${AWS::StackName}"
      MultiRegion: true
      EnableKeyRotation: true
Outputs:
  KeyArn:
    Value: !GetAtt PrimaryKey.Arn
    Export:
      Name: !Sub "\${AWS::StackName}-KeyArn"
`;

/** eu-west-1: the replica of that key. */
export const REPLICA_KEY = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  PrimaryKeyArn:
    Type: String
Resources:
  ReplicaKey:
    Type: AWS::KMS::ReplicaKey
    Properties:
      PrimaryKeyArn: !Ref PrimaryKeyArn
      Description: replica of the team key
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root"
            Action: kms:*
            Resource: "*"
Outputs:
  ReplicaKeyArn:
    Value: !GetAtt ReplicaKey.Arn
`;

/** us-east-1: the secret, replicated to eu-west-1 under the replica key, with its policies. */
export function appSecret(description: string, name = "app/db-credentials"): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Description: A multi-Region secret with a tag-based IAM policy and a resource policy
Parameters:
  Team:
    Type: String
    Default: payments
    AllowedValues: [payments, search]
  KeyStack:
    Type: String
  ReplicaKeyArn:
    Type: String
Resources:
  AppSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: ${name}
      Description: ${description}
      KmsKeyId: !ImportValue
        Fn::Sub: "\${KeyStack}-KeyArn"
      GenerateSecretString:
        SecretStringTemplate: '{"username": "app"}'
        GenerateStringKey: password
        PasswordLength: 24
        ExcludePunctuation: true
      ReplicaRegions:
        - Region: eu-west-1
          KmsKeyId: !Ref ReplicaKeyArn
      Tags:
        - Key: team
          Value: !Ref Team
  SecretPolicy:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: !Ref AppSecret
      BlockPublicPolicy: true
      ResourcePolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: secretsmanager:DeleteResourcePolicy
            Resource: "*"
            Condition:
              StringNotEquals:
                "aws:PrincipalAccount": !Ref AWS::AccountId
  ReadersPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Description: read the team's secrets in every Region
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: secretsmanager:GetSecretValue
            Resource: "*"
            Condition:
              StringEquals:
                "aws:ResourceTag/team": !Ref Team
Outputs:
  SecretArn:
    Value: !Ref AppSecret
  ReadersPolicyArn:
    Value: !Ref ReadersPolicy
`;
}

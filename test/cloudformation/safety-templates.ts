// Templates of cloudformation-safety.test.ts (each passes cfn-lint).

/** A secret that is made, then an alias that cannot be (aliases under alias/aws/ are AWS's): rolls back. */
export const FAILING = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  GoodSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Description: made, then deleted by the rollback
  Key:
    Type: AWS::KMS::Key
    Properties:
      Description: a key
  BadAlias:
    Type: AWS::KMS::Alias
    DependsOn: GoodSecret
    Properties:
      AliasName: alias/aws/not-yours
      TargetKeyId: !Ref Key
`;

export const USER_TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Operator:
    Type: AWS::IAM::User
    Properties:
      Path: /operators/
`;

/** A secret whose value is a NoEcho parameter. */
export const NOECHO_SECRET = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
    MinLength: 8
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: noecho/db
      SecretString: !Sub '{"password": "\${DbPassword}"}'
`;

/** A second secret whose value is read from the first at deploy time. */
export const DYNAMIC_REFERENCE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Copy:
    Type: AWS::SecretsManager::Secret
    Properties:
      Description: a copy made from a dynamic reference
      SecretString: "password={{resolve:secretsmanager:noecho/db:SecretString:password}}"
Outputs:
  CopyArn:
    Value: !Ref Copy
`;

/** A literal SecretString in the template (LITERAL is replaced by the test). */
export const LITERAL_SECRET = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Literal:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: LITERAL
`;

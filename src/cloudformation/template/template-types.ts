// A CloudFormation template as parsed (JSON or YAML, short forms expanded to their long forms).

export interface ParameterDecl {
  Type: string;
  Default?: unknown;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  NoEcho?: boolean | string;
  Description?: string;
  MinLength?: number | string;
  MaxLength?: number | string;
  MinValue?: number | string;
  MaxValue?: number | string;
  ConstraintDescription?: string;
}

interface ResourceDecl {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: unknown;
}

interface OutputDecl {
  Value: unknown;
  Description?: unknown;
  Condition?: string;
  Export?: { Name: unknown };
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters: Record<string, ParameterDecl>;
  Mappings: Record<string, Record<string, Record<string, unknown>>>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, ResourceDecl>;
  Outputs: Record<string, OutputDecl>;
}

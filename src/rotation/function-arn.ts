// A RotationLambdaARN: arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>].

export interface FunctionArn {
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9$_-]+)?$/;

/** The parts of a function ARN, or undefined when `arn` is not one. */
export function parseFunctionArn(arn: string): FunctionArn | undefined {
  const m = FUNCTION_ARN.exec(arn);
  return m ? { partition: m[1], region: m[2], accountId: m[3], name: m[4] } : undefined;
}

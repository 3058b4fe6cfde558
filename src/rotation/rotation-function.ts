// A rotation function, wherever it runs (issue 13): a built-in rotator served by Meridian itself
// (builtin/), or any other function reached through the AWS Lambda Invoke API. Secrets Manager
// invokes it once per step of AWS's four-step protocol, with the event AWS sends.

export type RotationStep = "createSecret" | "setSecret" | "testSecret" | "finishSecret";

/** The event AWS Secrets Manager sends a rotation function, member for member. */
export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: RotationStep;
}

export interface RotationFunction {
  /** Resolves when the step succeeded; rejects with RotationStepError when the function failed it. */
  invoke(event: RotationEvent): Promise<void>;
}

/** A step the function failed, or could not be run (unknown function, endpoint unreachable): `message` says why. */
export class RotationStepError extends Error {}

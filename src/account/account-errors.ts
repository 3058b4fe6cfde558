// The Account API's refusals, worded as AWS words them (recorded from the AWS CLI against AWS,
// except where a comment says otherwise). ValidationException carries a reason and the field.

import { RestJsonError } from "../contract/service-error.js";
import type { AccountErrorCode } from "../generated/account-api.js";

const accountError = (code: AccountErrorCode, message: string, status: number, members?: Record<string, unknown>) =>
  new RestJsonError(code, message, status, members);

const fieldError = (reason: "fieldValidationFailed" | "invalidRegionOptTarget", field: string, message: string) =>
  accountError("ValidationException", message, 400, { reason, fieldList: [{ name: field, message }] });

/** a Region the partition does not have (another partition's, or none at all) */
export const notOptInRegion = (region: string) =>
  fieldError("fieldValidationFailed", "RegionName", `${region} is not a valid region for opt-in or opt-out.`);

/** enabling a Region that is not DISABLED (enabled, or enabled by default), disabling one that is not ENABLED */
export const cannotSwitch = () =>
  fieldError("invalidRegionOptTarget", "RegionName", "Unable to switch region status because of its current opt-in status.");

export const malformedNextToken = () => fieldError("fieldValidationFailed", "NextToken", "NextToken is malformed");

/** enabling or disabling while ENABLING or DISABLING */
export const transitionUnderWay = (accountId: string, region: string) =>
  accountError(
    "ConflictException",
    `Account ${accountId} and region ${region} is currently being enabled or disabled. Please wait until it finishes and then try again.`,
    409,
  );

/**
 * AWS's refusal of AccountId (Organizations mode, which Meridian does not have) and of a RegionName
 * that is not a Region code at all ("US-EAST-1"), the latter with "(You specified an invalid target region.)".
 */
export const notAuthorized = (principalArn: string, operation: string, why?: string) =>
  accountError(
    "AccessDeniedException",
    `User: ${principalArn} is not authorized to perform: account:${operation}${why ? ` (${why})` : ""}`,
    403,
  );

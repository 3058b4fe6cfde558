// Whether a new console password may be set: the account's password policy (UpdateAccountPasswordPolicy),
// or IAM's default rules when it has none (at least eight characters, three of the four character
// kinds). Refusals are IAM's PasswordPolicyViolation with IAM's wording. Pure.

import type { PasswordPolicyRecord } from "../../contract/identity-types.js";

/** IAM's symbols: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | ' */
const SYMBOL = /[!@#$%^&*()_+\-=[\]{}|']/;
const UPPER = /[A-Z]/;
const LOWER = /[a-z]/;
const NUMBER = /[0-9]/;

const DEFAULT_MINIMUM = 8;

/** The first rule `password` breaks, as IAM words it; undefined when it passes. */
export function passwordViolation(password: string, policy: PasswordPolicyRecord | undefined): string | undefined {
  if (policy === undefined) {
    if (password.length < DEFAULT_MINIMUM) return `Password should have a minimum length of ${DEFAULT_MINIMUM}`;
    const kinds = [UPPER, LOWER, NUMBER, SYMBOL].filter((k) => k.test(password)).length;
    return kinds >= 3 ? undefined : "Password should have at least three of the following: uppercase letters, lowercase letters, numbers and symbols";
  }
  if (password.length < policy.MinimumPasswordLength) return `Password should have a minimum length of ${policy.MinimumPasswordLength}`;
  if (policy.RequireUppercaseCharacters && !UPPER.test(password)) return "Password should have at least one uppercase letter";
  if (policy.RequireLowercaseCharacters && !LOWER.test(password)) return "Password should have at least one lowercase letter";
  if (policy.RequireNumbers && !NUMBER.test(password)) return "Password should have at least one number";
  if (policy.RequireSymbols && !SYMBOL.test(password)) return "Password should have at least one symbol";
  return undefined;
}

/** The message for a password among the last `count` ones. */
export const reusedPassword = (count: number) => `Password should not be one of your last ${count} passwords`;

/** Whether a password set at `setAt` has expired under the policy at `now`. */
export function passwordExpired(policy: PasswordPolicyRecord | undefined, setAt: number, now: number): boolean {
  return policy !== undefined && policy.MaxPasswordAge > 0 && now - setAt >= policy.MaxPasswordAge * 86_400_000;
}

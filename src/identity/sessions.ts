// Temporary credentials (STS AssumeRole, GetSessionToken). Nothing is stored: the session token is
// the session itself (its session policies included), sealed with AES-256-GCM under a key the partition derives from the root key,
// so any Region of the partition in this process can open it, and no one can forge or read one.

import { open, packIvTagBody, seal, unpackIvTagBody } from "../util/aes-gcm.js";
import type { RequestPrincipal } from "../contract/policy-types.js";
import { newAccessKeyId, newSecretAccessKey } from "./directory.js";
import type { SessionPolicyRefs } from "./caller-policies.js";

export interface SessionClaims {
  accessKeyId: string;
  secretAccessKey: string;
  /** epoch ms */
  expiration: number;
  createdAt: number;
  /** who the session acts as: the assumed-role session, or the user for GetSessionToken */
  principal: RequestPrincipal;
  /**
   * the role (AssumeRole) or user (GetSessionToken) that issued it: its unique id binds the session,
   * which ends when that principal is gone (principals.ts); also the audit trail's sessionContext
   */
  issuer: { arn: string; type: "Role" | "User"; principalId: string };
  /** the session policies AssumeRole passed: every request of the session is limited by them */
  sessionPolicies?: SessionPolicyRefs;
}

export interface IssuedSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: number;
}

const VERSION = 1;
const AAD = Buffer.from("meridian-sts-session-v1");

export function makeSessionTokens(key: Buffer) {
  return {
    issue(claims: Omit<SessionClaims, "accessKeyId" | "secretAccessKey">): IssuedSession {
      const full: SessionClaims = { ...claims, accessKeyId: newAccessKeyId("ASIA"), secretAccessKey: newSecretAccessKey() };
      // layout: version(1) | iv | tag | body, base64
      const sealed = packIvTagBody(seal(key, JSON.stringify(full), AAD));
      const token = Buffer.concat([Buffer.from([VERSION]), sealed]).toString("base64");
      return { accessKeyId: full.accessKeyId, secretAccessKey: full.secretAccessKey, sessionToken: token, expiration: full.expiration };
    },
    /** the session a token stands for, or undefined for anything that is not a token we sealed */
    open(token: string): SessionClaims | undefined {
      const raw = Buffer.from(token, "base64");
      const sealed = unpackIvTagBody(raw.subarray(1));
      // an empty session is no session: the body is at least two bytes of JSON
      if (!sealed || sealed.ciphertext.length < 2 || raw[0] !== VERSION) return undefined;
      try {
        return JSON.parse(open(key, sealed, AAD).toString("utf8")) as SessionClaims;
      } catch {
        return undefined;
      }
    },
  };
}

export type SessionTokens = ReturnType<typeof makeSessionTokens>;

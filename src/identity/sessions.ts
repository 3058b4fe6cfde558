// Temporary credentials (STS AssumeRole, GetSessionToken). Nothing is stored: the session token is
// the session itself (its session policies included), sealed with AES-256-GCM under a key the partition derives from the root key,
// so any Region of the partition in this process can open it, and no one can forge or read one.

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
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
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(AAD);
      const body = Buffer.concat([cipher.update(JSON.stringify(full), "utf8"), cipher.final()]);
      const token = Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString("base64");
      return { accessKeyId: full.accessKeyId, secretAccessKey: full.secretAccessKey, sessionToken: token, expiration: full.expiration };
    },
    /** the session a token stands for, or undefined for anything that is not a token we sealed */
    open(token: string): SessionClaims | undefined {
      const raw = Buffer.from(token, "base64");
      if (raw.length < 1 + 12 + 16 + 2 || raw[0] !== VERSION) return undefined;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(1, 13));
        decipher.setAAD(AAD);
        decipher.setAuthTag(raw.subarray(13, 29));
        const text = Buffer.concat([decipher.update(raw.subarray(29)), decipher.final()]).toString("utf8");
        return JSON.parse(text) as SessionClaims;
      } catch {
        return undefined;
      }
    },
  };
}

export type SessionTokens = ReturnType<typeof makeSessionTokens>;

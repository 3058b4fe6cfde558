// What a service accepts at write time is exactly what the evaluator can read at request time, for
// every kind of policy: accepted ⇔ parses. Write time is each service's own check (PutKeyPolicy's,
// PutResourcePolicy's, IAM's); request time is what the describers and the identity directory call
// (storedResourcePolicy, parsePolicy). A document refused by one and read by the other would be a
// policy stored but evaluated differently, or not at all.

import { test } from "node:test";
import assert from "node:assert/strict";
import { checkKeyPolicy } from "../kms/key-policies.js";
import { checkPolicyGrammar } from "../secrets/resource-policy.js";
import { checkDocument } from "../iam/iam-common.js";
import { parsePolicy } from "./parse-policy.js";
import { storedResourcePolicy } from "./policy-cache.js";

const ROOT = "arn:aws:iam::111122223333:root";
const stmt = (extra: object = {}) => ({ Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*", ...extra });
const ident = (extra: object = {}) => ({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", ...extra });
const trust = (extra: object = {}) => ({ Effect: "Allow", Principal: { AWS: ROOT }, Action: "sts:AssumeRole", ...extra });
const v12 = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });

/** Documents of every shape the grammars disagree on, plus plain good ones. */
const documents: unknown[] = [
  "not json", "[]", "{}", "null", v12(), { Version: "2012-10-17", Statement: {} },
  v12(stmt()), { Statement: stmt() }, { Version: "2008-10-17", Statement: [stmt()] }, { Version: "2019-10-19", Statement: [stmt()] },
  { ...v12(stmt()), Id: "key-policy" }, { ...v12(stmt()), Extra: 1 }, { ...v12(stmt()), Id: 7 },
  v12(stmt({ Sid: "Same" }), stmt({ Sid: "Same", Effect: "Deny", Action: "kms:Decrypt" })),
  v12(stmt({ Sid: 3 })), v12(stmt({ Effect: "allow" })), v12(stmt({ Effect: "Maybe" })), v12(stmt({ Unknown: true })),
  v12(stmt({ Principal: undefined })), v12(stmt({ Principal: undefined, NotPrincipal: { AWS: ROOT } })), v12(stmt({ NotPrincipal: { AWS: ROOT } })),
  v12(stmt({ Principal: "*" })), v12(stmt({ Principal: { AWS: "*" } })), v12(stmt({ Principal: { AWS: "111122223333" } })),
  v12(stmt({ Principal: { AWS: "arn:aws:iam::123:user/x" } })), v12(stmt({ Principal: { AWS: "bob" } })), v12(stmt({ Principal: {} })),
  v12(stmt({ Principal: { Service: "secretsmanager.amazonaws.com" } })), v12(stmt({ Principal: { Service: "bad service" } })),
  v12(stmt({ Principal: { Federated: "cognito-identity.amazonaws.com" } })), v12(stmt({ Principal: { Group: "x" } })),
  v12(stmt({ Action: undefined })), v12(stmt({ Action: [] })), v12(stmt({ Action: undefined, NotAction: "kms:Decrypt" })),
  v12(stmt({ NotAction: "kms:Decrypt" })), v12(stmt({ Action: "Decrypt" })), v12(stmt({ Action: "kms:Get-Key" })), v12(stmt({ Action: "k:m:s" })),
  v12(stmt({ Resource: undefined })), v12(stmt({ Resource: [] })), v12(stmt({ Resource: "key/abc" })), v12(stmt({ Resource: "arn:error:kms:::x" })),
  v12(stmt({ Resource: "arn:aws:kms:us-east-1:111122223333:key/*" })), v12(stmt({ Resource: undefined, NotResource: "arn:aws:kms:*:*:key/x" })),
  v12(stmt({ Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } } })),
  v12(stmt({ Condition: { StringEquals: {} } })), v12(stmt({ Condition: { StringEqualz: { a: "b" } } })), v12(stmt({ Condition: { StringEqualz: {} } })),
  v12(stmt({ Condition: { DateGreaterThan: { "aws:CurrentTime": "yesterday" } } })), v12(stmt({ Condition: { Bool: { "aws:SecureTransport": [true] } } })),
  v12(stmt({ Condition: { StringEquals: { a: { b: 1 } } } })), v12(stmt({ Condition: [] })),
  v12(ident()), v12(ident({ Sid: "A" }), ident({ Sid: "A" })), { Statement: ident() }, v12(ident({ Resource: undefined })),
  v12(trust()), v12(trust({ Resource: "*" })), v12(trust({ Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity" })),
];

const accepts = (write: () => void): boolean => {
  try {
    write();
    return true;
  } catch {
    return false;
  }
};

interface Service {
  name: string;
  write(text: string): void;
  read(text: string): boolean;
}

const services: Service[] = [
  {
    name: "KMS key policy (CreateKey/PutKeyPolicy, lockout check bypassed)",
    write: (text) => checkKeyPolicy(text, { principalArn: ROOT, accountId: "111122223333", partition: "aws" }, true),
    read: (text) => !("unreadable" in storedResourcePolicy(text, "kms-key", "key")!),
  },
  {
    name: "Secrets Manager resource policy (PutResourcePolicy)",
    write: (text) => checkPolicyGrammar(text),
    read: (text) => !("unreadable" in storedResourcePolicy(text, "resource", "secret")!),
  },
  {
    name: "IAM identity policy (PutUserPolicy, CreatePolicy)",
    write: (text) => checkDocument(text, "identity", 1 << 20, () => new Error("too large")),
    read: (text) => parsePolicy(text, "identity").ok,
  },
  {
    name: "IAM trust policy (CreateRole, UpdateAssumeRolePolicy)",
    write: (text) => checkDocument(text, "trust", 1 << 20, () => new Error("too large")),
    read: (text) => parsePolicy(text, "trust").ok,
  },
];

for (const service of services) {
  test(`${service.name}: accepted at write time ⇔ read at request time`, () => {
    let accepted = 0;
    for (const doc of documents) {
      const text = typeof doc === "string" ? doc : JSON.stringify(doc);
      const written = accepts(() => service.write(text));
      assert.equal(service.read(text), written, `${written ? "accepted but unreadable" : "refused but readable"}: ${text}`);
      if (written) accepted++;
    }
    // The table holds documents each service takes and documents each refuses.
    assert.ok(accepted > 0 && accepted < documents.length, `${accepted} of ${documents.length} accepted`);
  });
}

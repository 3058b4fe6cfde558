// Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateRandom.
// Blobs arrive and leave base64-encoded in JSON (the validator has checked them).

import { randomBytes } from "node:crypto";
import { ServiceError } from "../../contract/service-error.js";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import { kmsValidation, unsupported } from "../kms-errors.js";
import type { KmsDeps } from "./kms-deps.js";
import { callerKey } from "./key-access.js";

const ALGORITHM = "SYMMETRIC_DEFAULT";
const b64 = (buf: Buffer) => buf.toString("base64");
const bytes = (text: string) => Buffer.from(text, "base64");

/** Symmetric keys take SYMMETRIC_DEFAULT only (AWS's wording for an algorithm a key spec does not take). */
function checkAlgorithm(algorithm: string | undefined): void {
  if (algorithm !== undefined && algorithm !== ALGORITHM) {
    throw new ServiceError("InvalidKeyUsageException", `Algorithm ${algorithm} is incompatible with key spec ${ALGORITHM}.`);
  }
}

function dataKeyLength(input: any): number {
  if (input.NumberOfBytes !== undefined && input.KeySpec !== undefined) {
    throw kmsValidation("Please specify either number of bytes or key spec.");
  }
  if (input.KeySpec !== undefined) return input.KeySpec === "AES_128" ? 16 : 32;
  if (input.NumberOfBytes !== undefined) return input.NumberOfBytes;
  throw kmsValidation("Please specify either number of bytes or key spec.");
}

export function cryptoOps({ keys }: KmsDeps): OperationTable {
  async function generateDataKey(ctx: CallContext, input: any, withPlaintext: boolean) {
    const length = dataKeyLength(input);
    const key = await callerKey(keys, ctx, input.KeyId, withPlaintext ? "GenerateDataKey" : "GenerateDataKeyWithoutPlaintext");
    const out = await keys.generateDataKey(ctx.accountId, key.arn, input.EncryptionContext, length);
    const plaintext = withPlaintext ? b64(out.plaintext) : undefined;
    out.plaintext.fill(0);
    return { CiphertextBlob: b64(out.ciphertextBlob), Plaintext: plaintext, KeyId: out.keyArn };
  }

  return {
    async Encrypt(ctx: CallContext, input: any) {
      checkAlgorithm(input.EncryptionAlgorithm);
      const key = await callerKey(keys, ctx, input.KeyId, "Encrypt");
      const out = await keys.encrypt(ctx.accountId, key.arn, bytes(input.Plaintext), input.EncryptionContext);
      return { CiphertextBlob: b64(out.ciphertextBlob), KeyId: out.keyArn, EncryptionAlgorithm: ALGORITHM };
    },
    async Decrypt(ctx: CallContext, input: any) {
      checkAlgorithm(input.EncryptionAlgorithm);
      const named = input.KeyId === undefined ? undefined : (await callerKey(keys, ctx, input.KeyId, "Decrypt")).arn;
      const out = await keys.decrypt(ctx.accountId, bytes(input.CiphertextBlob), input.EncryptionContext, named);
      return { KeyId: out.keyArn, Plaintext: b64(out.plaintext), EncryptionAlgorithm: ALGORITHM, KeyMaterialId: out.materialId };
    },
    async ReEncrypt(ctx: CallContext, input: any) {
      checkAlgorithm(input.SourceEncryptionAlgorithm);
      checkAlgorithm(input.DestinationEncryptionAlgorithm);
      const destination = await callerKey(keys, ctx, input.DestinationKeyId, "ReEncryptTo");
      const named = input.SourceKeyId === undefined ? undefined : (await callerKey(keys, ctx, input.SourceKeyId, "ReEncryptFrom")).arn;
      const source = await keys.decrypt(ctx.accountId, bytes(input.CiphertextBlob), input.SourceEncryptionContext, named);
      try {
        const out = await keys.encrypt(ctx.accountId, destination.arn, source.plaintext, input.DestinationEncryptionContext);
        return {
          CiphertextBlob: b64(out.ciphertextBlob),
          SourceKeyId: source.keyArn,
          KeyId: out.keyArn,
          SourceEncryptionAlgorithm: ALGORITHM,
          DestinationEncryptionAlgorithm: ALGORITHM,
        };
      } finally {
        source.plaintext.fill(0);
      }
    },
    GenerateDataKey: (ctx, input) => generateDataKey(ctx, input, true),
    GenerateDataKeyWithoutPlaintext: (ctx, input) => generateDataKey(ctx, input, false),
    async GenerateRandom(_ctx: CallContext, input: any) {
      if (input.NumberOfBytes === undefined) throw kmsValidation("NumberOfBytes is required.");
      if (input.CustomKeyStoreId !== undefined) throw unsupported("Custom key stores are not supported.");
      return { Plaintext: b64(randomBytes(input.NumberOfBytes)) };
    },
  };
}

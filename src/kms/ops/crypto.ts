// Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateRandom.
// Blobs arrive and leave base64-encoded in JSON (the validator has checked them).

import { randomBytes } from "node:crypto";
import type { CallContext, OperationTable } from "../../contract/call-context.js";
import type {
  DecryptResponse, EncryptionAlgorithmSpec, EncryptResponse, GenerateDataKeyRequest, GenerateDataKeyResponse, GenerateDataKeyWithoutPlaintextRequest,
  GenerateDataKeyWithoutPlaintextResponse, GenerateRandomResponse, KmsOperations, ReEncryptResponse,
} from "../../generated/kms-api.js";
import { ciphertextRequired, kmsError, kmsValidation, unsupported } from "../kms-errors.js";
import type { KmsDeps } from "./kms-deps.js";
import { callerKey } from "./key-access.js";

const ALGORITHM = "SYMMETRIC_DEFAULT";
const b64 = (buf: Buffer) => buf.toString("base64");

/** The bytes of a ciphertext blob the request must carry (the model allows leaving it out only for a dry run). */
function ciphertext(blob: string | undefined): Buffer {
  if (blob === undefined) throw ciphertextRequired();
  return Buffer.from(blob, "base64");
}

/** Symmetric keys take SYMMETRIC_DEFAULT only (AWS's wording for an algorithm a key spec does not take). */
function checkAlgorithm(algorithm: EncryptionAlgorithmSpec | undefined): void {
  if (algorithm !== undefined && algorithm !== ALGORITHM) {
    throw kmsError("InvalidKeyUsageException", `Algorithm ${algorithm} is incompatible with key spec ${ALGORITHM}.`);
  }
}

function dataKeyLength(input: GenerateDataKeyRequest | GenerateDataKeyWithoutPlaintextRequest): number {
  if (input.NumberOfBytes !== undefined && input.KeySpec !== undefined) {
    throw kmsValidation("Please specify either number of bytes or key spec.");
  }
  if (input.KeySpec !== undefined) return input.KeySpec === "AES_128" ? 16 : 32;
  if (input.NumberOfBytes !== undefined) return input.NumberOfBytes;
  throw kmsValidation("Please specify either number of bytes or key spec.");
}

export function cryptoOps({ keys }: KmsDeps): OperationTable<KmsOperations> {
  /** A new data key under the named key; the caller wipes its plaintext once it has used it. */
  async function dataKey(
    ctx: CallContext,
    input: GenerateDataKeyRequest | GenerateDataKeyWithoutPlaintextRequest,
    action: "GenerateDataKey" | "GenerateDataKeyWithoutPlaintext",
  ) {
    const length = dataKeyLength(input);
    const key = await callerKey(keys, ctx, input.KeyId, action);
    return keys.generateDataKey(ctx.accountId, key.arn, input.EncryptionContext, length);
  }

  return {
    async Encrypt(ctx, input): Promise<EncryptResponse> {
      checkAlgorithm(input.EncryptionAlgorithm);
      const key = await callerKey(keys, ctx, input.KeyId, "Encrypt");
      const out = await keys.encrypt(ctx.accountId, key.arn, Buffer.from(input.Plaintext, "base64"), input.EncryptionContext);
      return { CiphertextBlob: b64(out.ciphertextBlob), KeyId: out.keyArn, EncryptionAlgorithm: ALGORITHM };
    },
    async Decrypt(ctx, input): Promise<DecryptResponse> {
      checkAlgorithm(input.EncryptionAlgorithm);
      const named = input.KeyId === undefined ? undefined : (await callerKey(keys, ctx, input.KeyId, "Decrypt")).arn;
      const out = await keys.decrypt(ctx.accountId, ciphertext(input.CiphertextBlob), input.EncryptionContext, named);
      return { KeyId: out.keyArn, Plaintext: b64(out.plaintext), EncryptionAlgorithm: ALGORITHM, KeyMaterialId: out.materialId };
    },
    async ReEncrypt(ctx, input): Promise<ReEncryptResponse> {
      checkAlgorithm(input.SourceEncryptionAlgorithm);
      checkAlgorithm(input.DestinationEncryptionAlgorithm);
      const destination = await callerKey(keys, ctx, input.DestinationKeyId, "ReEncryptTo");
      const named = input.SourceKeyId === undefined ? undefined : (await callerKey(keys, ctx, input.SourceKeyId, "ReEncryptFrom")).arn;
      const source = await keys.decrypt(ctx.accountId, ciphertext(input.CiphertextBlob), input.SourceEncryptionContext, named);
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
    async GenerateDataKey(ctx, input): Promise<GenerateDataKeyResponse> {
      const out = await dataKey(ctx, input, "GenerateDataKey");
      try {
        return { CiphertextBlob: b64(out.ciphertextBlob), Plaintext: b64(out.plaintext), KeyId: out.keyArn };
      } finally {
        out.plaintext.fill(0);
      }
    },
    async GenerateDataKeyWithoutPlaintext(ctx, input): Promise<GenerateDataKeyWithoutPlaintextResponse> {
      const out = await dataKey(ctx, input, "GenerateDataKeyWithoutPlaintext");
      out.plaintext.fill(0);
      return { CiphertextBlob: b64(out.ciphertextBlob), KeyId: out.keyArn };
    },
    async GenerateRandom(_ctx, input): Promise<GenerateRandomResponse> {
      if (input.NumberOfBytes === undefined) throw kmsValidation("NumberOfBytes is required.");
      if (input.CustomKeyStoreId !== undefined) throw unsupported("Custom key stores are not supported.");
      return { Plaintext: b64(randomBytes(input.NumberOfBytes)) };
    },
  };
}

// The seal seam (DESIGN §1, §7): a seal provides the root key that protects every Region's key
// material at rest. Implementations: file/env (development, file-seal.ts), an external KMS
// (kms-seal.ts) and a PKCS#11 token (pkcs11-seal.ts), chosen by make-seal.ts. One conformance
// suite (test/conformance/seal-conformance.ts) runs against each.

export interface Seal {
  /** where the root key comes from, for the start banner and errors (never the key itself) */
  readonly description: string;
  /** one line the operator must read at start when this seal is not fit for production */
  readonly warning?: string;
  /** the 32-byte root key; created and sealed on first use, unsealed afterwards */
  loadRootKey(): Promise<Buffer>;
}

/**
 * A seal that is misconfigured or cannot unseal. Its message is one line meant for the operator at
 * start; a seal that throws it has changed nothing in the data directory.
 */
export class SealError extends Error {
  override readonly name = "SealError";
}

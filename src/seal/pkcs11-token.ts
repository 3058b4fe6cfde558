// The few PKCS#11 calls the pkcs11 seal makes, through the pkcs11js binding: open a token by label
// or slot, log in, find or generate an AES-256 key by label, and AES-GCM with it. Every failure
// becomes a one-line SealError that names the library, token or key at fault.

import { endianness } from "node:os";
import type * as Pkcs11 from "pkcs11js";
import { errorText } from "./seal-files.js";
import { SealError } from "./seal.js";

export interface TokenRef {
  library: string;
  /** the token's label, or */
  tokenLabel?: string;
  /** its slot id (as `softhsm2-util --show-slots` prints it) */
  slot?: bigint;
  pin: string;
}

export type TokenSession = ReturnType<typeof wrapSession>;

type Binding = typeof Pkcs11;

/** Opens a logged-in session on the token; close() it when done. */
export async function openTokenSession(ref: TokenRef, readWrite: boolean): Promise<TokenSession> {
  const p = await loadBinding();
  const lib = acquireLibrary(p, ref.library);
  try {
    const slot = findSlot(p, lib, ref);
    const session = lib.C_OpenSession(slot, p.CKF_SERIAL_SESSION | (readWrite ? p.CKF_RW_SESSION : 0));
    try {
      lib.C_Login(session, p.CKU_USER, ref.pin);
    } catch (e) {
      if (ckr(e) !== p.CKR_USER_ALREADY_LOGGED_IN) {
        lib.C_CloseSession(session);
        if (ckr(e) === p.CKR_PIN_INCORRECT) throw new SealError(`wrong PIN for ${tokenName(ref)}`);
        if (ckr(e) === p.CKR_PIN_LOCKED) throw new SealError(`the user PIN of ${tokenName(ref)} is locked`);
        throw new SealError(`cannot log in to ${tokenName(ref)}: ${errorText(e)}`);
      }
    }
    return wrapSession(p, lib, session, () => releaseLibrary(ref.library));
  } catch (e) {
    releaseLibrary(ref.library);
    throw e instanceof SealError ? e : new SealError(`PKCS#11 library ${ref.library}: ${errorText(e)}`);
  }
}

// A PKCS#11 library is initialized once per process, so seals opened at the same time share it and
// the last one to close finalizes it.
const libraries = new Map<string, { lib: Pkcs11.PKCS11; users: number; finalize: boolean }>();

function acquireLibrary(p: Binding, library: string): Pkcs11.PKCS11 {
  const open = libraries.get(library);
  if (open) {
    open.users++;
    return open.lib;
  }
  const lib = new p.PKCS11();
  try {
    lib.load(library);
  } catch (e) {
    throw new SealError(`cannot load the PKCS#11 library ${library}: ${errorText(e)}`);
  }
  let finalize = true;
  try {
    lib.C_Initialize();
  } catch (e) {
    finalize = false; // someone else in this process initialized it and will finalize it
    if (ckr(e) !== p.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      lib.close();
      throw new SealError(`cannot initialize the PKCS#11 library ${library}: ${errorText(e)}`);
    }
  }
  libraries.set(library, { lib, users: 1, finalize });
  return lib;
}

function releaseLibrary(library: string) {
  const open = libraries.get(library);
  if (!open || --open.users > 0) return;
  libraries.delete(library);
  try {
    if (open.finalize) open.lib.C_Finalize();
  } finally {
    open.lib.close();
  }
}

export function tokenName(ref: Pick<TokenRef, "tokenLabel" | "slot">): string {
  return ref.tokenLabel !== undefined ? `token "${ref.tokenLabel}"` : `the token in slot ${ref.slot}`;
}

function wrapSession(p: Binding, lib: Pkcs11.PKCS11, session: Buffer, release: () => void) {
  const gcm = (iv: Buffer, aad: Buffer): Pkcs11.Mechanism => ({
    mechanism: p.CKM_AES_GCM,
    parameter: { type: p.CK_PARAMS_AES_GCM, iv, ivBits: iv.length * 8, aad, tagBits: 128 } as Pkcs11.GcmParams,
  });
  return {
    /** the token's AES secret key with this label, if there is exactly one */
    findAesKey(label: string): Buffer | undefined {
      lib.C_FindObjectsInit(session, [
        { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
        { type: p.CKA_KEY_TYPE, value: p.CKK_AES },
        { type: p.CKA_LABEL, value: label },
      ]);
      const found = lib.C_FindObjects(session, 2);
      lib.C_FindObjectsFinal(session);
      if (found.length > 1) throw new SealError(`more than one AES key is labelled "${label}"; relabel or remove the extra ones`);
      return found[0];
    },
    /** a new AES-256 token key that never leaves the token, usable only to encrypt and decrypt */
    generateAesKey(label: string): Buffer {
      return lib.C_GenerateKey(session, { mechanism: p.CKM_AES_KEY_GEN }, [
        { type: p.CKA_CLASS, value: p.CKO_SECRET_KEY },
        { type: p.CKA_KEY_TYPE, value: p.CKK_AES },
        { type: p.CKA_VALUE_LEN, value: 32 },
        { type: p.CKA_LABEL, value: label },
        { type: p.CKA_TOKEN, value: true },
        { type: p.CKA_PRIVATE, value: true },
        { type: p.CKA_SENSITIVE, value: true },
        { type: p.CKA_EXTRACTABLE, value: false },
        { type: p.CKA_ENCRYPT, value: true },
        { type: p.CKA_DECRYPT, value: true },
      ]);
    },
    encryptGcm(key: Buffer, iv: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
      lib.C_EncryptInit(session, gcm(iv, aad), key);
      return Buffer.from(lib.C_Encrypt(session, plaintext, Buffer.alloc(plaintext.length + 16)));
    },
    decryptGcm(key: Buffer, iv: Buffer, aad: Buffer, ciphertext: Buffer): Buffer {
      lib.C_DecryptInit(session, gcm(iv, aad), key);
      return Buffer.from(lib.C_Decrypt(session, ciphertext, Buffer.alloc(ciphertext.length)));
    },
    close() {
      // No C_Logout: login is shared by every session of this process on the token, and closing the
      // last one logs out.
      for (const step of [() => lib.C_CloseSession(session), release]) {
        try {
          step();
        } catch {
          // closing is best effort: the process is about to go on without the token
        }
      }
    },
  };
}

function findSlot(p: Binding, lib: Pkcs11.PKCS11, ref: TokenRef): Buffer {
  const tokens = lib
    .C_GetSlotList(true)
    .map((slot) => ({ slot, info: lib.C_GetTokenInfo(slot) }))
    .filter((t) => (t.info.flags & p.CKF_TOKEN_INITIALIZED) !== 0)
    .map((t) => ({ slot: t.slot, id: slotId(t.slot), label: t.info.label.trimEnd() }));
  const matches = tokens.filter((t) => (ref.tokenLabel !== undefined ? t.label === ref.tokenLabel : t.id === ref.slot));
  if (matches.length === 1) return matches[0]!.slot;
  if (matches.length > 1) throw new SealError(`more than one token is labelled "${ref.tokenLabel}"; choose one by slot`);
  const present = tokens.map((t) => `"${t.label}" (slot ${t.id})`).join(", ") || "none";
  throw new SealError(`no ${tokenName(ref)} in ${ref.library} (initialized tokens: ${present})`);
}

/** A slot handle is the library's CK_ULONG slot id in native byte order. */
function slotId(handle: Buffer): bigint {
  if (handle.length === 8) return endianness() === "LE" ? handle.readBigUInt64LE() : handle.readBigUInt64BE();
  return BigInt(endianness() === "LE" ? handle.readUInt32LE() : handle.readUInt32BE());
}

/** the CKR_* return value a pkcs11js call failed with */
function ckr(e: unknown): unknown {
  return (e as { code?: unknown })?.code;
}

// Loaded on use: the native binding is built at install time and is needed only by this seal.
async function loadBinding(): Promise<Binding> {
  try {
    const mod = (await import("pkcs11js")) as Binding & { default?: Binding };
    return mod.default ?? mod;
  } catch (e) {
    throw new SealError(`the pkcs11 seal needs the npm package pkcs11js (built with node-gyp at install): ${errorText(e)}`);
  }
}

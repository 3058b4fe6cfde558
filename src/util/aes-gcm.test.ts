import { test } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, randomBytes } from "node:crypto";
import { joinBodyTag, open, packIvTagBody, seal, splitBodyTag, unpackIvTagBody, IV_LENGTH, TAG_LENGTH } from "./aes-gcm.js";

const key = randomBytes(32);

test("seal then open gives the plaintext back, with a fresh IV each time", () => {
  const a = seal(key, Buffer.from("hello"), "aad");
  const b = seal(key, "hello", Buffer.from("aad"));
  assert.equal(a.iv.length, IV_LENGTH);
  assert.equal(a.tag.length, TAG_LENGTH);
  assert.notDeepEqual(a.iv, b.iv);
  assert.equal(open(key, a, "aad").toString(), "hello");
  assert.equal(open(key, b, Buffer.from("aad")).toString(), "hello");
  assert.equal(open(key, seal(key, Buffer.alloc(0), ""), "").length, 0);
});

test("a wrong key, AAD, IV, tag or ciphertext is refused", () => {
  const s = seal(key, Buffer.from("secret value"), "ctx");
  assert.throws(() => open(randomBytes(32), s, "ctx"));
  assert.throws(() => open(key, s, "ctx2"));
  assert.throws(() => open(key, { ...s, iv: randomBytes(12) }, "ctx"));
  const tag = Buffer.from(s.tag);
  tag[0] ^= 1;
  assert.throws(() => open(key, { ...s, tag }, "ctx"));
  const ciphertext = Buffer.from(s.ciphertext);
  ciphertext[0] ^= 1;
  assert.throws(() => open(key, { ...s, ciphertext }, "ctx"));
});

test("a truncated tag is refused, not checked on fewer bytes", () => {
  const s = seal(key, Buffer.from("x"), "");
  assert.throws(() => open(key, { ...s, tag: s.tag.subarray(0, 12) }, ""));
});

test("the layouts are the bytes the hand-rolled code wrote (data at rest still opens)", () => {
  const iv = Buffer.alloc(12, 7);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from("aad"));
  const body = Buffer.concat([cipher.update(Buffer.from("payload")), cipher.final()]);
  const tag = cipher.getAuthTag();
  const s = seal(key, Buffer.from("payload"), "aad", iv);
  assert.deepEqual(packIvTagBody(s), Buffer.concat([iv, tag, body]));
  assert.deepEqual(joinBodyTag(s), Buffer.concat([body, tag]));
  assert.equal(open(key, unpackIvTagBody(Buffer.concat([iv, tag, body]))!, "aad").toString(), "payload");
  assert.equal(open(key, splitBodyTag(iv, Buffer.concat([body, tag]))!, "aad").toString(), "payload");
});

test("a buffer too short for its layout is no sealed value", () => {
  assert.equal(unpackIvTagBody(Buffer.alloc(27)), undefined);
  assert.equal(splitBodyTag(Buffer.alloc(12), Buffer.alloc(15)), undefined);
});

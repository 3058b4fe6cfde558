// Stacks, change sets and events through the store's DocumentRepo. A stack or change set is
// sealed whole by the Region's root key (AES-GCM, bound to its account and id): its template may
// hold a literal SecretString and its parameters NoEcho values, and neither is ever stored in
// plaintext. Events carry statuses and reasons only, never property values, and are kept open.

import type { DocumentRepo } from "../../store/store.js";
import type { ChangeSet, Stack, StackEvent } from "./stack-types.js";

export interface Sealer {
  wrap(plaintext: Buffer, context: string): Buffer;
  unwrap(wrapped: Buffer, context: string): Buffer;
}

const STACK = "cloudformation-stack";
const CHANGE_SET = "cloudformation-changeset";
const EVENTS = "cloudformation-events";

interface SealedDoc {
  sealed: string;
}

export function makeStackRepo(store: DocumentRepo, sealer: Sealer) {
  const seal = (kind: string, accountId: string, key: string, value: unknown): SealedDoc => ({
    sealed: sealer.wrap(Buffer.from(JSON.stringify(value), "utf8"), `${kind}:${accountId}:${key}`).toString("base64"),
  });
  const unseal = <T>(kind: string, accountId: string, key: string, doc: unknown): T =>
    JSON.parse(sealer.unwrap(Buffer.from((doc as SealedDoc).sealed, "base64"), `${kind}:${accountId}:${key}`).toString("utf8")) as T;

  async function list<T>(kind: string, accountId?: string): Promise<T[]> {
    return (await store.listDocuments(kind, accountId)).map((d) => unseal<T>(kind, d.accountId, d.key, d.doc));
  }

  return {
    async stacks(accountId?: string): Promise<Stack[]> {
      return list<Stack>(STACK, accountId);
    },
    /** a stack by name (the one not deleted) or by id (deleted ones too) */
    async findStack(accountId: string, nameOrId: string): Promise<Stack | undefined> {
      if (nameOrId.startsWith("arn:")) {
        const doc = await store.getDocument(STACK, accountId, nameOrId);
        return doc === undefined ? undefined : unseal<Stack>(STACK, accountId, nameOrId, doc);
      }
      return (await list<Stack>(STACK, accountId)).find((s) => s.StackName === nameOrId && s.StackStatus !== "DELETE_COMPLETE");
    },
    async putStack(stack: Stack, events: StackEvent[] = []): Promise<void> {
      const puts = [{ kind: STACK, accountId: stack.accountId, key: stack.StackId, doc: seal(STACK, stack.accountId, stack.StackId, stack) }];
      if (events.length) {
        const old = ((await store.getDocument(EVENTS, stack.accountId, stack.StackId)) as StackEvent[] | undefined) ?? [];
        puts.push({ kind: EVENTS, accountId: stack.accountId, key: stack.StackId, doc: [...events.reverse(), ...old] as never });
      }
      await store.writeDocuments(puts);
    },
    /** newest first */
    async events(accountId: string, stackId: string): Promise<StackEvent[]> {
      return ((await store.getDocument(EVENTS, accountId, stackId)) as StackEvent[] | undefined) ?? [];
    },
    async changeSets(accountId: string): Promise<ChangeSet[]> {
      return list<ChangeSet>(CHANGE_SET, accountId);
    },
    async putChangeSet(cs: ChangeSet): Promise<void> {
      await store.writeDocuments([{ kind: CHANGE_SET, accountId: cs.accountId, key: cs.ChangeSetId, doc: seal(CHANGE_SET, cs.accountId, cs.ChangeSetId, cs) }]);
    },
    async deleteChangeSet(cs: ChangeSet): Promise<void> {
      await store.writeDocuments([], [{ kind: CHANGE_SET, accountId: cs.accountId, key: cs.ChangeSetId }]);
    },
  };
}

export type StackRepo = ReturnType<typeof makeStackRepo>;

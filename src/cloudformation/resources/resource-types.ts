// The seam between the engine and the resource types: each type makes, changes and removes its
// resources with the operations a client calls (`invoke`, as the deployer), and says what Ref and
// Fn::GetAtt give. The resource schemas (generated) say which property changes replace it.

export type Invoke = (signingName: string, operation: string, input: Record<string, unknown>, region?: string) => Promise<Record<string, unknown>>;

export interface ResourceContext {
  invoke: Invoke;
  stackName: string;
  stackId: string;
  logicalId: string;
  accountId: string;
  region: string;
  partition: string;
  /** a name as CloudFormation generates them: the stack's and logical id's, a hyphen, random characters */
  generatedName(maxLength: number, style?: "stack" | "logical"): string;
}

export interface ResourceState {
  /** what Ref gives, and the resource's PhysicalResourceId */
  physicalId: string;
  /** what Fn::GetAtt may read */
  attributes: Record<string, unknown>;
}

export type Props = Record<string, unknown>;

export interface ResourceHandler {
  create(ctx: ResourceContext, props: Props): Promise<ResourceState>;
  /** change in place; absent: every change replaces the resource */
  update?(ctx: ResourceContext, props: Props, old: { props: Props; state: ResourceState }): Promise<ResourceState>;
  delete(ctx: ResourceContext, props: Props, state: ResourceState): Promise<void>;
  /** properties besides the schema's createOnlyProperties whose change replaces the resource */
  replaceOn?: readonly string[];
  /** needs CAPABILITY_IAM, or CAPABILITY_NAMED_IAM when the property named here is set */
  iam?: { nameProperty?: string };
}

export const asString = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v));
export const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
export const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Calls whose target is already gone succeed: a delete retried, or a resource removed by hand. */
export async function ignoringMissing(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "NoSuchEntity" || code === "ResourceNotFoundException" || code === "NotFoundException") return;
    throw e;
  }
}

/** What is in `next` and not in `prev`, and the reverse, by identity of their JSON. */
export function difference<T>(prev: T[], next: T[]): { added: T[]; removed: T[] } {
  const key = (v: T) => JSON.stringify(v);
  const p = new Set(prev.map(key));
  const n = new Set(next.map(key));
  return { added: next.filter((v) => !p.has(key(v))), removed: prev.filter((v) => !n.has(key(v))) };
}

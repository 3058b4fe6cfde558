// The botocore model fields the generators read; everything else (documentation, examples,
// deprecation notes) is dropped.

import type { ShapeType } from "../src/contract/model-types.js";

export interface BotocoreRef {
  shape: string;
  locationName?: string;
  location?: string;
  idempotencyToken?: boolean;
  flattened?: boolean;
}
export interface BotocoreShape {
  type: ShapeType;
  required?: string[];
  members?: Record<string, BotocoreRef>;
  member?: BotocoreRef;
  key?: BotocoreRef;
  value?: BotocoreRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  exception?: boolean;
  fault?: boolean;
  error?: { httpStatusCode?: number; code?: string };
  timestampFormat?: string;
  flattened?: boolean;
}
export interface BotocoreOperation {
  http: { method: string; requestUri: string; responseCode?: number };
  input?: { shape: string };
  output?: { shape: string; resultWrapper?: string };
  errors?: Array<{ shape: string }>;
}
export interface BotocoreModel {
  metadata: Record<string, string | undefined>;
  operations: Record<string, BotocoreOperation>;
  shapes: Record<string, BotocoreShape>;
}


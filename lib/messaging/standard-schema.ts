import type { StandardSchemaV1 } from '@standard-schema/spec';

/**
 * The contract mixes zod schemas (most messages) and valibot ones (what the content script reads);
 * both implement Standard Schema, so code that validates any message goes through it.
 */
export type AnySchema = StandardSchemaV1;
export type OutputOf<S extends AnySchema> = StandardSchemaV1.InferOutput<S>;

export type Checked<T> =
  | { success: true; data: T }
  | { success: false; issues: readonly StandardSchemaV1.Issue[] };

/** Validates synchronously: no schema of the contract is async, and one that became so is a bug. */
export function check<S extends AnySchema>(schema: S, value: unknown): Checked<OutputOf<S>> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new TypeError('A message schema must validate synchronously.');
  return result.issues ? { success: false, issues: result.issues } : { success: true, data: result.value };
}

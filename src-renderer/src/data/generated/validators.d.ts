/** Types of the generated validators.js (scripts/gen-validators.ts). */
export type PrecompiledValidator = ((doc: unknown) => boolean) & { errors?: unknown[] | null };
/** Storage schema JSON → Ajv standalone validator. */
export declare const PRECOMPILED: Map<string, PrecompiledValidator>;

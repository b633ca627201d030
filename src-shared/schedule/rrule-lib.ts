/**
 * Interop import of the `rrule` library. Bundlers (vite, vitest) load its ES module build with
 * named exports; plain Node ESM (tsx scripts, the Electron main process) loads its UMD build as a
 * CommonJS module whose exports sit on `default`. This picks whichever is present.
 */
import * as rruleNs from 'rrule';

type RRuleModule = typeof rruleNs;
const ns = rruleNs as unknown as RRuleModule & { default?: RRuleModule };
const mod: RRuleModule = typeof ns.RRule === 'function' ? ns : (ns.default as RRuleModule);

export const RRule = mod.RRule;
export type RRule = rruleNs.RRule;
export type RRuleOptions = rruleNs.Options;

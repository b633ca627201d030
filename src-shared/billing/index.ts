/**
 * Billing domain (issue 4): pure functions, no DB, DOM or React. See docs/billing.md.
 * Import from 'src-shared/billing' (this barrel) or from the individual modules.
 * `from-schedule.ts` (schedule expansion → BillableLesson) is deliberately not re-exported here,
 * so the billing core does not depend on the schedule module; import it directly.
 */
export * from '../money';
export * from './errors';
export * from './dates';
export * from './rates';
export * from './totals';
export * from './drafts';
export * from './claims';
export * from './packages';
export * from './generate';
export * from './numbering';
export * from './lifecycle';
export * from './payments';
export * from './records';
export * from './corrections';
export * from './sanity';
export * from './reports';
export * from './payroll';
export * from './exports';
export * from './html';
export * from './line-reasons';
export * from './statement-html';

/** Billing: invoices, payments and ledger, reports, payroll; billing settings and sample data. */
import { registerSampleExtender } from '../onboarding/load-sample';
import { registerSettingsSection } from '../settings/SettingsScreen';
import { BillingSettings } from './BillingSettings';
import { addSampleBilling } from './sample';

registerSettingsSection('billing', 'Billing', BillingSettings);
// Registered after the schedule's extender (features.tsx imports the schedule first): it bills
// the sample lessons, and does nothing when there are none.
registerSampleExtender(addSampleBilling);

export { InvoicesScreen } from './InvoicesScreen';
export { PaymentsScreen } from './PaymentsScreen';
export { ReportsScreen } from './ReportsScreen';
export { PayrollScreen } from './PayrollScreen';
export { BillingFields, FamilyBillingFields, FamilyLedgerButton } from './BillingFields';

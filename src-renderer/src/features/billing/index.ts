/**
 * Billing: invoices and credit notes, payments and each family's ledger, reports, payroll; the
 * billing settings, the sample invoices, and the billing fields of the student and family dialogs.
 */
import type { FeatureManifest } from '../../app/registry';
import { AutoInvoicing } from './AutoInvoicing';
import { BillingSettings } from './BillingSettings';
import { InvoicesScreen } from './InvoicesScreen';
import { PaymentsScreen } from './PaymentsScreen';
import { PayrollScreen } from './PayrollScreen';
import { ReportsScreen } from './ReportsScreen';
import { addSampleBilling } from './sample';

export const billingFeature: FeatureManifest = {
  id: 'billing',
  screens: [
    { path: '/invoices', label: 'Invoices', icon: 'invoice', section: 'money', component: InvoicesScreen },
    { path: '/payments', label: 'Payments', icon: 'payment', section: 'money', component: PaymentsScreen },
    { path: '/reports', label: 'Reports', icon: 'reports', section: 'money', component: ReportsScreen },
    { path: '/payroll', label: 'Payroll', icon: 'payroll', section: 'money', component: PayrollScreen },
  ],
  // Shows nothing: makes the month's drafts at start when automatic invoicing is due.
  topbar: [{ id: 'auto-invoicing', label: 'Automatic invoicing', side: 'end', component: AutoInvoicing }],
  settingsSections: [{ id: 'billing', title: 'Billing', component: BillingSettings, writes: ['settings'] }],
  // Bills the sample lessons, so the schedule's sample data must come first (app/features.ts).
  sampleData: addSampleBilling,
};

export { BillingFields, FamilyBillingFields, FamilyLedgerButton } from './BillingFields';

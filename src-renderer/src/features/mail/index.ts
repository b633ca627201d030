/**
 * E-mail: the outbox (every message to families, queued offline and sent by the desktop app when
 * online), the e-mail settings and templates, and the actions that queue invoices and reports.
 * docs/email.md.
 */
import type { FeatureManifest } from '../../app/registry';
import { MailSettings } from './MailSettings';
import { OutboxIndicator } from './OutboxIndicator';
import { OutboxScreen } from './OutboxScreen';
import { TemplatesSettings } from './TemplatesSettings';

export const mailFeature: FeatureManifest = {
  id: 'mail',
  screens: [{ path: '/outbox', label: 'Outbox', icon: 'mail', section: 'practice', component: OutboxScreen }],
  topbar: [{ id: 'outbox', label: 'Outbox', side: 'end', component: OutboxIndicator }],
  settingsSections: [
    { id: 'email', title: 'E-mail', component: MailSettings, writes: [] },
    { id: 'templates', title: 'E-mail templates', component: TemplatesSettings, writes: ['settings'] },
  ],
};

export { EmailInvoiceDialog } from './EmailInvoiceDialog';
export { EmailStatementDialog } from './EmailStatementDialog';
export { OverdueRemindersDialog } from './OverdueRemindersDialog';
export { ProgressReportDialog } from './ProgressReportDialog';
export { EmailInvoicesDialog } from './EmailInvoicesDialog';
export { FamilyEmailsButton } from './OutboxIndicator';

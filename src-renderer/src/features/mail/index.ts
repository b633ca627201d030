/**
 * E-mail: the outbox (every message to families, queued offline and sent by the desktop app when
 * online), the e-mail settings and templates, and the actions that queue invoices, statements,
 * reminders and progress reports. docs/email.md.
 */
import type { FeatureManifest } from '../../app/registry';
import { MailSettings } from './MailSettings';
import { TemplatesSettings } from './TemplatesSettings';

export const mailFeature: FeatureManifest = {
  id: 'mail',
  screens: [],
  settingsSections: [
    { id: 'email', title: 'E-mail', component: MailSettings, writes: [] },
    { id: 'templates', title: 'E-mail templates', component: TemplatesSettings, writes: ['settings'] },
  ],
};

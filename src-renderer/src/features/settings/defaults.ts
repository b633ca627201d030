import type { PracticeSettings } from '../../../../src-shared/model/types';
import { EMPTY_ADDRESS } from '../../../../src-shared/validation/forms';

/** Defaults for a new practice (everything a tutor can change later in Settings). */
export function defaultPracticeSettings(
  currency: string,
): Omit<PracticeSettings, 'id' | 'createdAt' | 'updatedAt' | 'updatedBy' | 'deviceId' | 'fieldClock'> {
  return {
    name: '',
    address: EMPTY_ADDRESS,
    email: '',
    phone: '',
    currency,
    locale: '', // follow the system (docs/billing.md "One locale for the practice"); the welcome screen stores the one shown
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/London',
    taxId: '',
    logo: '',
    defaultRate: { amount: 4500, currency },
    weekStartsOn: 1,
    billing: { paymentTermsDays: 14, taxMode: 'none', taxRateBp: 0, taxLabel: 'Tax', invoicePrefix: 'INV', paymentInstructions: '' },
    attendance: {
      billable: ['attended', 'cancelled_student_late', 'no_show'],
      payable: ['attended', 'cancelled_student_late', 'no_show'],
      cancellationNoticeHours: 24,
      makeupForInTimeCancellation: true,
    },
    reminders: { enabled: true, minutesBefore: 15 },
  };
}

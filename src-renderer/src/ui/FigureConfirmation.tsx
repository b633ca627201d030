import type { Confirmation } from '../../../src-shared/billing/sanity';
import { Alert } from './Alert';
import { Icon } from './Icon';

/**
 * The warning of an unusual figure (src-shared/billing/sanity.ts): "Is £4,500.00 right?", why it
 * is unusual, and the button to keep it, named after the figure ("Use £4,500.00"). `what` is the
 * thing to check ("the rate", "the price").
 */
export function FigureConfirmation({ confirmation, what }: { confirmation: Confirmation | null; what: string }) {
  if (!confirmation) return null;
  return (
    <Alert tone="warning" role="alert" icon={<Icon name="alert" />} title={`Is ${confirmation.figure} right?`}>
      {confirmation.message} Check {what}, or choose “{confirmation.confirmLabel}” to keep it.
    </Alert>
  );
}

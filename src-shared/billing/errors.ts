/** The billing domain's errors: a stable `code` for programs and a message for people. */
export class BillingError extends Error {
  constructor(
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'BillingError';
  }
}

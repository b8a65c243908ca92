/** Partner Center's BillingCycleType values as its REST API spells them. */
export const BILLING_CYCLES = ['one_time', 'monthly', 'annual', 'none'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

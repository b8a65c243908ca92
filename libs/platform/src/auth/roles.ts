/** Role names a token may carry in its `roles` claim (DOMAIN.md). */
export const Role = {
  AdminAgent: 'AdminAgent',
  GlobalAdmin: 'GlobalAdmin',
  AccountAdmin: 'AccountAdmin',
  ReferralAdmin: 'ReferralAdmin',
  MarketingContentAdmin: 'MarketingContentAdmin',
  Auditor: 'Auditor',
  BillingAdmin: 'BillingAdmin',
} as const;

export type Role = (typeof Role)[keyof typeof Role];

export const ALL_ROLES: readonly Role[] = Object.values(Role);

export function isRole(value: string): value is Role {
  return (ALL_ROLES as readonly string[]).includes(value);
}

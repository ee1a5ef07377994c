/** Names of the pdp plugin's tables (migrations.ts creates them). */
export const POLICIES_TABLE = 'pdp_policies';
export const ACTIVE_TABLE = 'pdp_active_policies';
export const DOMAINS_TABLE = 'pdp_domains';
export const OWNERS_TABLE = 'pdp_resource_owners';
export const SHARES_TABLE = 'pdp_resource_shares';

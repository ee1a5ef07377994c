import type { Account, AccountClaims, FindAccount } from 'oidc-provider';
import { getUser, type LocalUser } from '../../core/auth/users.js';
import type { Database } from '../../core/storage/db/types.js';

/** Which claims each scope releases (OpenID Connect Core 5.4), plus `groups`. */
export const CLAIMS_BY_SCOPE: Record<string, string[]> = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username', 'locale', 'zoneinfo', 'updated_at'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
};

/** Standard claims an account attribute of the same name may supply. */
const ATTRIBUTE_CLAIMS = new Set(Object.values(CLAIMS_BY_SCOPE).flat().filter((c) => c !== 'sub' && c !== 'groups' && c !== 'preferred_username'));

/** The claims of a local account: its name as `sub` and `preferred_username`, its groups, its attributes. */
export function accountClaims(user: LocalUser): AccountClaims {
  const claims: AccountClaims = { sub: user.name, preferred_username: user.name, groups: user.groups };
  for (const [k, v] of Object.entries(user.attributes)) if (ATTRIBUTE_CLAIMS.has(k)) claims[k] = v;
  return claims;
}

/** oidc-provider's account lookup over the core's users table (accounts are keyed by name). */
export function findAccountIn(db: Database): FindAccount {
  return async (_ctx, sub): Promise<Account | undefined> => {
    const user = await getUser(db, sub);
    if (!user) return undefined;
    return { accountId: user.name, claims: () => accountClaims(user) };
  };
}

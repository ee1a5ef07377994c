/** Signature algorithms of the provider: asymmetric only (HS* would need client secrets in clear, and are a confusion risk). */
export const SIGNING_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** Meridian's own resource indicator for an issuer: the public base URL the issuer is under. */
export function meridianResourceOf(issuer: string, mountPath: string): string {
  return issuer.endsWith(mountPath) ? issuer.slice(0, issuer.length - mountPath.length) || issuer : issuer;
}

/** Client metadata naming the groups of a client acting for itself (client credentials tokens). */
export const CLIENT_GROUPS = 'meridian_groups';

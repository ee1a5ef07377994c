/**
 * Relay links: how a step on one ADES reads a file a step on another produced when that ADES's
 * result URLs need credentials the reader does not have (a Meridian ADES's results are private to
 * the job's owner). The link is the EMS's `/relay/{token}`, the token sealed with the platform's
 * secret key (AES-GCM: it cannot be forged or altered) naming the workflow job, the file and an
 * expiry; the EMS streams the file from where it is, with its own access to it.
 */
import type { SecretBox } from '../../core/security/secret-box.js';

const PURPOSE = 'meridian:ems:relay';

export interface RelayClaim {
  job: string;
  /** step/output[/index] */
  path: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export function relayToken(secrets: SecretBox, job: string, path: string, ttlMs: number): string {
  return secrets.seal(JSON.stringify({ job, path, exp: Date.now() + ttlMs } satisfies RelayClaim), PURPOSE);
}

/** The claim of a token, or undefined when it is not one of ours or has expired. */
export function readRelayToken(secrets: SecretBox, token: string): RelayClaim | undefined {
  try {
    const claim = JSON.parse(secrets.open(token, PURPOSE).toString('utf8')) as RelayClaim;
    return typeof claim.job === 'string' && typeof claim.path === 'string' && claim.exp > Date.now() ? claim : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Login throughput as the password check of a login costs it: verifyUserPassword (core users
 * table, scrypt N=16384 r=8 p=1) of a real user in a SQLite users table, one login at a time
 * (the oidc plugin has no password grant; its login form POST does this check plus the
 * interaction and session writes, so this is an upper bound on form logins). Keycloak publishes
 * about 15 password logins/s per vCPU (its sizing guide, PBKDF2 at 27,500 iterations).
 */
import { performance } from 'node:perf_hooks';
import { createUser, verifyUserPassword } from '../../../core/auth/users.js';
import { openDatabase } from '../../../core/storage/db/connect.js';
import { authMigrations } from '../../../core/auth/index.js';

export const KEYCLOAK_LOGINS_PER_VCPU = 15;

export interface LoginMeasure {
  logins: number;
  perSecond: number;
  p99ms: number;
}

export async function measureLogins(seconds: number): Promise<LoginMeasure> {
  const db = await openDatabase({ client: 'sqlite', filename: ':memory:' });
  try {
    await db.migrate('core-auth', authMigrations);
    await createUser(db, { name: 'bench-user', password: 'correct horse battery staple', groups: [] });
    // Checked before timing: the right password logs in, a wrong one does not.
    if (!(await verifyUserPassword(db, 'bench-user', 'correct horse battery staple'))) throw new Error('logins bench: the password does not verify');
    if (await verifyUserPassword(db, 'bench-user', 'wrong')) throw new Error('logins bench: a wrong password verifies');
    const latencies: number[] = [];
    const start = performance.now();
    for (let now = start; now < start + seconds * 1000; ) {
      const t = performance.now();
      await verifyUserPassword(db, 'bench-user', 'correct horse battery staple');
      now = performance.now();
      latencies.push(now - t);
    }
    const elapsed = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    return { logins: latencies.length, perSecond: latencies.length / elapsed, p99ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]! };
  } finally {
    await db.close();
  }
}

/**
 * Failed logins per account and per client address within a sliding window. Past the limit,
 * login attempts are refused (429 with Retry-After) before the password is even checked, so
 * guessing costs the attacker time without costing the server scrypt work. In memory, per
 * process: behind several replicas each counts on its own (the limit is then per replica).
 */
export interface LoginLimits {
  perAccount: number;
  perIp: number;
  windowSec: number;
}

const MAX_KEYS = 100_000;

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: LoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds to wait before another attempt, or 0 when the attempt may go ahead. */
  retryAfter(account: string, ip: string): number {
    const now = this.now();
    const wait = (key: string, limit: number) => {
      const times = this.recent(key, now);
      return times.length >= limit ? Math.max(1, Math.ceil((times[times.length - limit]! + this.limits.windowSec * 1000 - now) / 1000)) : 0;
    };
    return Math.max(wait(`a:${account.toLowerCase()}`, this.limits.perAccount), wait(`i:${ip}`, this.limits.perIp));
  }

  recordFailure(account: string, ip: string): void {
    const now = this.now();
    for (const key of [`a:${account.toLowerCase()}`, `i:${ip}`]) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.delete(key);
      this.failures.set(key, times);
    }
    // Oldest keys first in a Map: drop them when an attack spreads over very many names.
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  /** A successful login clears the account's failures (not the address's). */
  recordSuccess(account: string): void {
    this.failures.delete(`a:${account.toLowerCase()}`);
  }

  private recent(key: string, now: number): number[] {
    const since = now - this.limits.windowSec * 1000;
    const times = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (times.length) this.failures.set(key, times);
    else this.failures.delete(key);
    return times;
  }
}

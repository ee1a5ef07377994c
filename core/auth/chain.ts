import type { Context } from 'koa';
import type { Logger } from 'pino';
import { Unauthenticated } from '../errors.js';
import type { Database } from '../storage/db/types.js';
import { ApiKeyAuthenticator } from './apikey-authenticator.js';
import { BasicAuthenticator } from './basic-authenticator.js';
import { bearerChallenge, joinChallenges } from './challenge.js';
import type { AuthenticatorConfig } from './config.js';
import { JwtAuthenticator, type JwtIssuerConfig } from './jwt.js';
import { ANONYMOUS } from './subjects.js';
import type { Authenticator, Subject } from './types.js';

export interface ChainOptions {
  realm: string;
  /** Needed by `apikey` and `basic`. */
  db?: Database;
  logger?: Pick<Logger, 'warn'>;
}

/**
 * The authenticator chain. Each authenticator is asked in order; the first to recognise the
 * request's credentials gives the subject, and invalid credentials stop the chain with 401.
 * A request that none recognises is anonymous when `anonymous` ends the chain, else 401.
 */
export class AuthenticatorChain {
  private readonly authenticators: Authenticator[];

  constructor(
    authenticators: Authenticator[],
    readonly allowsAnonymous: boolean,
    private readonly realm: string,
  ) {
    this.authenticators = [...authenticators];
  }

  /** The chain config describes. Several `jwt` entries become one authenticator trusting each issuer. */
  static fromConfig(configs: AuthenticatorConfig[], options: ChainOptions): AuthenticatorChain {
    const anonymousAt = configs.findIndex((c) => c.type === 'anonymous');
    if (anonymousAt !== -1 && anonymousAt !== configs.length - 1) {
      throw new Error('auth.authenticators: anonymous must be the last authenticator of the chain');
    }
    const seen = new Set<string>();
    const authenticators: Authenticator[] = [];
    const issuers: JwtIssuerConfig[] = configs.filter((c): c is Extract<AuthenticatorConfig, { type: 'jwt' }> => c.type === 'jwt');
    for (const config of configs) {
      if (config.type === 'anonymous') continue;
      if (seen.has(config.type)) {
        if (config.type === 'jwt') continue;
        throw new Error(`auth.authenticators: ${config.type} is listed twice`);
      }
      seen.add(config.type);
      authenticators.push(createAuthenticator(config.type, issuers, options));
    }
    return new AuthenticatorChain(authenticators, anonymousAt !== -1, options.realm);
  }

  /**
   * Adds an authenticator after those from config, before anonymous; `first` puts it before
   * them (one that claims only its own credentials, as the login service's own tokens).
   */
  add(authenticator: Authenticator, options: { first?: boolean } = {}): void {
    if (this.authenticators.some((a) => a.name === authenticator.name)) {
      throw new Error(`an authenticator named ${authenticator.name} is already in the chain`);
    }
    if (options.first) this.authenticators.unshift(authenticator);
    else this.authenticators.push(authenticator);
  }

  get names(): string[] {
    return [...this.authenticators.map((a) => a.name), ...(this.allowsAnonymous ? ['anonymous'] : [])];
  }

  /** WWW-Authenticate challenges of the chain, in chain order; at least one. */
  challenges(): string[] {
    const challenges = this.authenticators.flatMap((a) => (a.challenge ? [a.challenge()] : []));
    return challenges.length ? challenges : [`Bearer realm="${this.realm}"`];
  }

  /** The header value carrying every challenge of the chain. */
  challenge(): string {
    return joinChallenges(this.challenges());
  }

  /**
   * The request's subject: synchronously (a value, or a synchronous throw) when every
   * authenticator asked answers synchronously, as one with a remembered token does; else a
   * promise. Callers that need a promise use AuthHooks.authenticate.
   */
  authenticate(ctx: Context): Subject | Promise<Subject> {
    return this.authenticateFrom(ctx, 0);
  }

  private authenticateFrom(ctx: Context, from: number): Subject | Promise<Subject> {
    const authenticators = this.authenticators;
    for (let i = from; i < authenticators.length; i++) {
      const answer = authenticators[i]!.authenticate(ctx);
      if (isPromise(answer)) return answer.then((subject) => subject ?? this.authenticateFrom(ctx, i + 1));
      if (answer) return answer;
    }
    return this.unclaimed(ctx);
  }

  /** No authenticator recognised the request's credentials: anonymous, or 401. */
  private unclaimed(ctx: Context): Subject {
    // Credentials no authenticator claims are not anonymity: a token from an untrusted issuer, a
    // scheme nobody here speaks.
    const authorization = ctx.get('Authorization');
    if (authorization) {
      const message = 'The credentials in the Authorization header are not accepted here';
      if (!/^bearer\s/i.test(authorization)) throw new Unauthenticated(message, this.challenge());
      // A bearer token nobody here issued or trusts: RFC 6750's invalid_token.
      const others = this.challenges().filter((c) => !/^Bearer\b/.test(c));
      throw new Unauthenticated(message, joinChallenges([bearerChallenge(this.realm, 'invalid_token', 'The token issuer is not trusted'), ...others]));
    }
    if (this.allowsAnonymous) return ANONYMOUS;
    throw new Unauthenticated('Authentication required', this.challenge());
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function createAuthenticator(type: Exclude<AuthenticatorConfig['type'], 'anonymous'>, issuers: JwtIssuerConfig[], options: ChainOptions): Authenticator {
  switch (type) {
    case 'jwt':
      return new JwtAuthenticator(
        issuers.map(({ type: _type, ...issuer }: JwtIssuerConfig & { type?: string }) => issuer),
        options.realm,
        options.logger,
      );
    case 'apikey':
      return new ApiKeyAuthenticator(requireDb(options, type), options.realm);
    case 'basic':
      return new BasicAuthenticator(requireDb(options, type), { realm: options.realm });
    default:
      throw new Error(`auth.authenticators: unknown type ${String(type)}`);
  }
}

function requireDb(options: ChainOptions, type: string): Database {
  if (!options.db) throw new Error(`auth.authenticators: ${type} needs the database`);
  return options.db;
}

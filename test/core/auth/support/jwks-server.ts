import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export interface TokenOptions {
  sub?: string;
  aud?: string | string[];
  iss?: string;
  /** Seconds from now; negative for the past. Default 300. */
  expiresIn?: number;
  /** Seconds from now when the token becomes valid (nbf). */
  notBefore?: number;
  claims?: Record<string, unknown>;
  /** Overrides the kid written in the header. */
  kid?: string;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * A token issuer for tests: real key pairs, a JWKS served over HTTP by a local server (counting
 * fetches), and tokens signed with those keys.
 */
export class TestIssuer {
  keys: SigningKey[] = [];
  fetches = 0;
  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<TestIssuer> {
    let issuer: TestIssuer | undefined;
    const server = createServer((req, res) => {
      if (req.url !== '/jwks.json') {
        res.writeHead(404).end();
        return;
      }
      issuer!.fetches += 1;
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      res.end(JSON.stringify({ keys: issuer!.keys.map((k) => k.publicJwk) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    issuer = new TestIssuer(server, `http://127.0.0.1:${port}`);
    return issuer;
  }

  get issuer(): string {
    return `${this.baseUrl}/realms/test`;
  }

  get jwksUri(): string {
    return `${this.baseUrl}/jwks.json`;
  }

  async addKey(alg: SigningKey['alg']): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const key = { kid, alg, privateKey, publicKey, publicJwk };
    this.keys.push(key);
    return key;
  }

  /** Replaces every served key by a new one of `alg` (key rotation). */
  async rotate(alg: SigningKey['alg']): Promise<SigningKey> {
    this.keys = [];
    return this.addKey(alg);
  }

  payload(options: TokenOptions = {}): JWTPayload {
    const now = Math.floor(Date.now() / 1000);
    return {
      iss: options.iss ?? this.issuer,
      sub: options.sub ?? 'alice',
      aud: options.aud ?? 'meridian',
      iat: now,
      exp: now + (options.expiresIn ?? 300),
      ...(options.notBefore !== undefined ? { nbf: now + options.notBefore } : {}),
      ...options.claims,
    };
  }

  /** A token signed with `key` (its own alg and kid unless overridden). */
  async sign(key: SigningKey, options: TokenOptions = {}): Promise<string> {
    return new SignJWT(this.payload(options))
      .setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  /** An unsigned token (`alg: none`), built by hand. */
  unsigned(options: TokenOptions = {}): string {
    return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(this.payload(options))}.`;
  }

  /**
   * The algorithm-confusion attack: HS256 with the issuer's public key (PEM) as the HMAC secret,
   * which a verifier that lets the token choose the algorithm would accept.
   */
  async hs256WithPublicKey(key: SigningKey, options: TokenOptions = {}): Promise<string> {
    const pem = await exportSPKI(key.publicKey);
    const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64url(this.payload(options))}`;
    return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

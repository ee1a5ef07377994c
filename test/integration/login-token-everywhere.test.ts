/**
 * A user logs in once at the login service (authorization code + PKCE with openid-client,
 * posting the login form) and uses the access token on every service: each one recognises the
 * user (alice's private data appears for her token and not anonymously), S3 included (a bearer
 * token instead of a signature), and the same token is refused everywhere once it is revoked
 * (an opaque token, introspected on each use).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { authenticatedSubject, LOCAL_USER_ISSUER } from '../../core/auth/index.js';
import type { CatalogueService } from '../../plugins/catalogue/types.js';
import type { CoveragesEngine } from '../../plugins/coverages/engine.js';
import type { FeaturesService } from '../../plugins/features/types.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { ALICE, Browser, loginThroughPages, REDIRECT, startOidc, type OidcHarness } from '../plugins/oidc/support.js';

const PRIVATE = 'ALICE-PRIV';
const OPAQUE = 'urn:meridian:test:opaque';

function writeCog(path: string): void {
  execFileSync('/usr/bin/python3', [
    '-c',
    `
from osgeo import gdal, osr
import numpy as np
m = gdal.GetDriverByName('MEM').Create('', 32, 32, 1, gdal.GDT_Byte)
m.SetGeoTransform([500000, 100, 0, 4500000, 0, -100])
s = osr.SpatialReference(); s.ImportFromEPSG(32631); m.SetProjection(s.ExportToWkt())
m.GetRasterBand(1).WriteArray(np.full((32, 32), 7, dtype='uint8'))
gdal.GetDriverByName('COG').CreateCopy('${path}', m, options=['COMPRESS=DEFLATE'])
`,
  ]);
}

const area = { type: 'Polygon' as const, coordinates: [[[2.99, 40.6], [3.04, 40.6], [3.04, 40.64], [2.99, 40.64], [2.99, 40.6]]] };

// One database kind is enough here: the per-plugin suites cover both.
const [kind] = testDatabaseKinds();

describe('one login, every service', function () {
  this.timeout(120_000);
  let dir: string;
  let h: OidcHarness;
  let upstream: Server;
  let token = '';
  let opaqueToken = '';
  let web: oidc.Configuration;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-login-'));
    writeCog(join(dir, 'scene.tif'));
    upstream = createServer((req, res) => res.end(JSON.stringify({ user: req.headers['x-forwarded-user'] ?? null })));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    h = await startOidc(kind!, {
      oidc: {
        clients: [{ client_id: 'web', client_secret: 'web-secret-0123456789', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'] }],
        resources: [{ indicator: OPAQUE, accessTokenFormat: 'opaque' }],
        skipConsentForTrustedClients: true,
      },
      plugins: {
        opensearch: {},
        csw: {},
        coverages: { workers: 1, refreshSeconds: 0, sampleRasters: false, catalogue: { allowedRoots: [dir] } },
        wms: {},
        wmts: {},
        wcs: {},
        wcps: {},
        features: {},
        wfs: {},
        'ogcapi-features': {},
        s3: { sweepIntervalSeconds: 0, keyCacheSeconds: 0 },
        processing: {},
        ades: {},
        pep: { services: [{ name: 'notebook', target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`, resource: { owner: 'alice', attributes: { visibility: 'private' } } }] },
      },
    });
    const provided = (name: string) => h.server.meridian.plugins.find((p) => p.name === name)!.instance.provide!;
    await (provided('catalogue').catalogue as CatalogueService).upsert([
      { identifier: PRIVATE, type: 'collection', title: "Alice's", geometry: area, owner: 'alice', visibility: 'private', start: '2024-01-01T00:00:00Z' },
      {
        identifier: 'alice-p1',
        type: 'product',
        parentIdentifier: PRIVATE,
        geometry: area,
        start: '2024-01-02T00:00:00Z',
        owner: 'alice',
        visibility: 'private',
        assets: { data: { href: join(dir, 'scene.tif'), type: 'image/tiff; application=geotiff; profile=cloud-optimized' } },
      },
    ]);
    await (provided('coverages').coverages as CoveragesEngine).refresh();
    const alice = authenticatedSubject({ id: 'alice', issuer: LOCAL_USER_ISSUER, method: 'basic', groups: ALICE.groups });
    await (provided('features').features as FeaturesService).createCollection({ id: 'alice_places', geometryType: 'Point', properties: [], visibility: 'private' }, alice);
    web = await oidc.discovery(new URL(h.issuer), 'web', 'web-secret-0123456789', undefined, { execute: [oidc.allowInsecureRequests] });
    const login = async (resource?: string) => {
      const verifier = oidc.randomPKCECodeVerifier();
      const authUrl = oidc.buildAuthorizationUrl(web, { redirect_uri: REDIRECT, scope: 'openid groups', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...(resource ? { resource } : {}) });
      return (await oidc.authorizationCodeGrant(web, await loginThroughPages(new Browser(), authUrl, ALICE), { pkceCodeVerifier: verifier })).access_token;
    };
    token = await login();
    opaqueToken = await login(OPAQUE);
  });
  after(async () => {
    await h?.close();
    upstream?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** What each service shows of alice's private data with these credentials. */
  async function seen(authorization: string | undefined): Promise<Record<string, boolean | number | string>> {
    const get = async (path: string) => {
      const res = await fetch(`${h.server.url}${path}`, { headers: authorization ? { Authorization: authorization } : {} });
      return { status: res.status, text: await res.text() };
    };
    const has = async (path: string, needle: string) => {
      const r = await get(path);
      return r.status === 200 && r.text.includes(needle);
    };
    return {
      opensearch: await has('/opensearch/collections', PRIVATE),
      csw: await has('/csw?service=CSW&version=2.0.2&request=GetRecords&typeNames=csw:Record&resultType=results&elementSetName=brief&maxRecords=100', PRIVATE),
      catalogue: await has('/catalogue/collections', PRIVATE),
      wms: await has('/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities', `<Name>${PRIVATE}</Name>`),
      wmts: await has('/wmts?SERVICE=WMTS&REQUEST=GetCapabilities', PRIVATE),
      wcs: await has('/wcs?SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCapabilities', PRIVATE),
      wcps: (await get(`/wcps?query=${encodeURIComponent(`for $c in (${PRIVATE}) return max($c)`)}`)).text.trim(),
      wfs: await has('/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetCapabilities', 'alice_places'),
      ogcapi: await has('/ogcapi/collections?f=json', 'alice_places'),
      s3: (await get('/s3/')).status,
      pep: (await get('/pep/notebook/')).text,
    };
  }

  it("the token from the login service is alice's on every service", async () => {
    assert.deepEqual(await seen(`Bearer ${token}`), {
      opensearch: true,
      csw: true,
      catalogue: true,
      wms: true,
      wmts: true,
      wcs: true,
      wcps: '7',
      wfs: true,
      ogcapi: true,
      s3: 200,
      pep: JSON.stringify({ user: 'alice' }),
    });
  });

  it('anonymously, none of it shows', async () => {
    const anonymous = await seen(undefined);
    assert.deepEqual(
      { ...anonymous, wcps: /ServiceException|Exception/.test(String(anonymous.wcps)), pep: anonymous.pep === JSON.stringify({ user: 'alice' }) },
      { opensearch: false, csw: false, catalogue: false, wms: false, wmts: false, wcs: false, wcps: true, wfs: false, ogcapi: false, s3: 403, pep: false },
    );
  });

  it('an opaque token works the same until revoked, then is refused by every service (401; S3 answers AccessDenied, its 403)', async () => {
    assert.equal((await seen(`Bearer ${opaqueToken}`)).wms, true);
    assert.equal((await fetch(`${h.server.url}/ades/jobs`, { headers: { Authorization: `Bearer ${opaqueToken}` } })).status, 200);
    await oidc.tokenRevocation(web, opaqueToken);
    for (const path of ['/opensearch/collections', '/wms?SERVICE=WMS&REQUEST=GetCapabilities', '/wfs?SERVICE=WFS&REQUEST=GetCapabilities', '/ades/jobs', '/s3/', '/pep/notebook/', '/wcs?SERVICE=WCS&REQUEST=GetCapabilities', `/wcps?query=${encodeURIComponent('for $c in (ALICE-PRIV) return 1')}`]) {
      const res = await fetch(`${h.server.url}${path}`, { headers: { Authorization: `Bearer ${opaqueToken}` } });
      assert.equal(res.status, path === '/s3/' ? 403 : 401, path);
      if (path === '/s3/') assert.match(await res.text(), /<Code>AccessDenied<\/Code>/);
    }
  });
});

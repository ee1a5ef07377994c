import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox, openSecretBox, parseSecretKey, SECRET_KEY_FILE, SecretBoxError } from '../../../core/security/secret-box.js';

describe('core/security: secret box', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meridian-secrets-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('opens what it sealed, and a new IV each time makes equal plaintexts seal differently', async () => {
    const box = await openSecretBox(undefined, dir);
    const a = box.seal('wJalrXUtnFEMI/K7MDENG', 's3-key:AK1');
    const b = box.seal('wJalrXUtnFEMI/K7MDENG', 's3-key:AK1');
    assert.notEqual(a, b);
    assert.match(a, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.ok(!a.includes('wJalr'));
    assert.equal(box.open(a, 's3-key:AK1').toString(), 'wJalrXUtnFEMI/K7MDENG');
  });

  it('refuses a tampered value, another purpose and another key', async () => {
    const box = await openSecretBox(undefined, dir);
    const sealed = box.seal(Buffer.from([1, 2, 3, 4]), 'oidc-key:k1');
    const parts = sealed.split('.');
    const data = Buffer.from(parts[2]!, 'base64url');
    data[0] ^= 1;
    const tampered = [parts[0], parts[1], data.toString('base64url'), parts[3]].join('.');
    assert.throws(() => box.open(tampered, 'oidc-key:k1'), SecretBoxError);
    assert.throws(() => box.open(sealed, 'oidc-key:k2'), SecretBoxError, 'bound to its purpose');
    assert.throws(() => createSecretBox(Buffer.alloc(32, 7)).open(sealed, 'oidc-key:k1'), SecretBoxError);
    assert.throws(() => box.open('not sealed', 'x'), /not a sealed secret/);
  });

  it('creates the key file once with mode 0600 and reuses it, also when two open at once', async () => {
    const [first, second] = await Promise.all([openSecretBox(undefined, dir), openSecretBox(undefined, dir)]);
    const file = join(dir, SECRET_KEY_FILE);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const sealed = first.seal('x', 'p');
    assert.equal(second.open(sealed, 'p').toString(), 'x');
    const again = await openSecretBox(undefined, dir);
    assert.equal(again.open(sealed, 'p').toString(), 'x');
    assert.match(await readFile(file, 'utf8'), /^[0-9a-f]{64}\n$/);
  });

  it('takes a configured key in hex or base64 and refuses one of the wrong length', async () => {
    const hex = 'ab'.repeat(32);
    const fromHex = await openSecretBox({ key: hex }, dir);
    const fromBase64 = await openSecretBox({ key: Buffer.from(hex, 'hex').toString('base64') }, dir);
    assert.equal(fromBase64.open(fromHex.seal('same key', 'p'), 'p').toString(), 'same key');
    await assert.rejects(stat(join(dir, SECRET_KEY_FILE)), 'a configured key writes no file');
    assert.throws(() => parseSecretKey('abcd'), /must be 32 bytes/);
  });
});

/**
 * The real client side of the kubernetes backend: ClientNodeKubernetesApi (@kubernetes/client-node)
 * sends a recorded contract's exact requests to an API server on loopback; the Job manifests of
 * the contracts use only fields of client-node's batch/v1 models (generated from the Kubernetes
 * OpenAPI document) with their types; docker/k8s/processing/rbac.yaml allows every call made.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { KubernetesApiError } from '../../../plugins/processing/backends/kubernetes/api.js';
import { KubernetesBackend } from '../../../plugins/processing/backends/kubernetes/backend.js';
import { ClientNodeKubernetesApi } from '../../../plugins/processing/backends/kubernetes/client-node-api.js';
import { configOf, RecordedKubernetesApi, type Exchange, type RecordedRequest } from './kubernetes-recorded-api.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, '../../fixtures/kubernetes');
const readContract = async (file: string) => JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as { config: Record<string, unknown>; run: { jobId: string; document: Record<string, unknown>; inputs: Record<string, unknown> }; exchanges: Exchange[]; expect: { outputs: unknown } };

describe('processing: kubernetes backend through @kubernetes/client-node', function () {
  let root: string;
  let server: Server | undefined;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'meridian-k8s-client-'));
  });
  afterEach(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
    await rm(root, { recursive: true, force: true });
  });

  it('sends the recorded requests over HTTP and reads the answers (pvc-cwltool-success)', async () => {
    const contract = await readContract('pvc-cwltool-success.json');
    const workRoot = join(root, 'processing');
    const workDir = join(workRoot, 'jobs', contract.run.jobId);
    await mkdir(join(workDir, 'in'), { recursive: true });
    const recorded = new RecordedKubernetesApi(contract.exchanges, workDir);
    const failures: unknown[] = [];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const url = new URL(req.url!, 'http://localhost');
        const request: RecordedRequest = { method: req.method!, path: url.pathname };
        if ([...url.searchParams].length) request.query = Object.fromEntries(url.searchParams);
        const text = Buffer.concat(chunks).toString('utf8');
        if (text && req.method !== 'DELETE') request.body = JSON.parse(text);
        try {
          const body = await recorded.exchange(request);
          res.writeHead(200, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' });
          res.end(typeof body === 'string' ? body : JSON.stringify(body));
        } catch (err) {
          if (!(err instanceof KubernetesApiError)) failures.push(err);
          const status = err instanceof KubernetesApiError ? err.status : 400;
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: status, message: err instanceof Error ? err.message : String(err) }));
        }
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'recorded', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'worker', token: 'test-token' }],
      contexts: [{ name: 'recorded', cluster: 'recorded', user: 'worker' }],
      currentContext: 'recorded',
    });
    let clock = Date.parse('2024-05-01T10:00:10.000Z');
    const backend = new KubernetesBackend(configOf(contract.config), {
      api: async () => new ClientNodeKubernetesApi(kc),
      workRoot,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    const outputs = await backend.runCwl({ jobId: contract.run.jobId, workDir, document: contract.run.document, inputs: contract.run.inputs, signal: new AbortController().signal, log: () => {} }).catch((err: unknown) => {
      throw failures[0] ?? err;
    });
    assert.deepStrictEqual(failures, []);
    assert.equal(recorded.remaining, 0);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(outputs).replaceAll(workDir, '${WORK}')), contract.expect.outputs);
  });

  it('reports an API refusal with its status and reason', async () => {
    server = createServer((_req, res) => {
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'jobs.batch is forbidden: User "system:serviceaccount:meridian:default" cannot list resource "jobs"' }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({ clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    const err = await new ClientNodeKubernetesApi(kc).listJobs('eo', 'a=b').then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof KubernetesApiError);
    assert.equal(err.status, 403);
    assert.equal(err.reason, 'Forbidden');
    assert.match(err.message, /cannot list resource "jobs"/);
  });

  it('Job manifests use only batch/v1 fields, with their types (client-node models)', async () => {
    const models = k8s as unknown as Record<string, { attributeTypeMap?: Array<{ baseName: string; type: string }> }>;
    const problems: string[] = [];
    const check = (value: unknown, type: string, at: string) => {
      if (value === undefined || value === null) return;
      const array = /^Array<(.+)>$/.exec(type);
      const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
      if (array) {
        if (!Array.isArray(value)) return void problems.push(`${at}: not an array`);
        value.forEach((v, i) => check(v, array[1]!, `${at}[${i}]`));
      } else if (map) {
        if (typeof value !== 'object' || Array.isArray(value)) return void problems.push(`${at}: not a map`);
        for (const [k, v] of Object.entries(value)) check(v, map[1]!, `${at}.${k}`);
      } else if (type === 'string' || type === 'number' || type === 'boolean') {
        if (typeof value !== type) problems.push(`${at}: ${typeof value}, not ${type}`);
      } else if (type === 'Date') {
        if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) problems.push(`${at}: not a date`);
      } else if (type === 'any' || type === 'IntOrString') {
        /* free */
      } else {
        const attributes = models[type]?.attributeTypeMap;
        if (!attributes) return void problems.push(`${at}: unknown model ${type}`);
        if (typeof value !== 'object' || Array.isArray(value)) return void problems.push(`${at}: not an object (${type})`);
        for (const [k, v] of Object.entries(value)) {
          const attribute = attributes.find((a) => a.baseName === k);
          if (!attribute) problems.push(`${at}.${k}: no such field of ${type}`);
          else check(v, attribute.type, `${at}.${k}`);
        }
      }
    };
    let manifests = 0;
    for (const file of (await readdir(FIXTURES)).filter((f) => f.endsWith('.json'))) {
      for (const e of (await readContract(file)).exchanges) {
        if (e.request.method !== 'POST') continue;
        manifests++;
        check(e.request.body, 'V1Job', `${file}`);
        // Required fields the models do not mark: every container has a name and an image.
        const spec = (e.request.body as { spec: { template: { spec: { containers: Array<{ name?: string; image?: string }> } } } }).spec.template.spec;
        for (const c of spec.containers) assert.ok(c.name && c.image, `${file}: container without name or image`);
      }
    }
    assert.ok(manifests >= 5);
    assert.deepStrictEqual(problems, []);
    // The check finds what is wrong.
    check({ apiVersion: 'batch/v1', spec: { backoffLimit: '0', template: { spec: { containers: [{ name: 'x', image: 'y', resource: {} }] } } } }, 'V1Job', 'bad');
    assert.deepStrictEqual(problems, ['bad.spec.backoffLimit: string, not number', 'bad.spec.template.spec.containers[0].resource: no such field of V1Container']);
  });

  it('docker/k8s/processing/rbac.yaml allows every call of the contracts, and no more verbs', async () => {
    const text = await readFile(join(HERE, '../../../docker/k8s/processing/rbac.yaml'), 'utf8');
    const objects = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string }; rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> });
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.name === 'meridian-processing-jobs')!;
    const allowed = new Set(role.rules!.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}/${res}:${v}`)))));
    const used = new Set<string>();
    for (const file of (await readdir(FIXTURES)).filter((f) => f.endsWith('.json'))) {
      for (const { request } of (await readContract(file)).exchanges) {
        const m = /^\/(?:api\/v1|apis\/(batch)\/v1)\/namespaces\/[^/]+\/([a-z]+)(?:\/([^/]+)(?:\/([a-z]+))?)?$/.exec(request.path);
        assert.ok(m, request.path);
        const [, group = '', resource, name, sub] = m;
        const verb = request.method === 'POST' ? 'create' : request.method === 'DELETE' ? 'delete' : name ? 'get' : 'list';
        used.add(`${group}/${resource}${sub ? `/${sub}` : ''}:${verb}`);
      }
    }
    for (const u of used) assert.ok(allowed.has(u), `rbac.yaml does not allow ${u}`);
    assert.deepStrictEqual([...allowed].sort(), [...used].sort(), 'the Role grants exactly what the backend uses');
  });
});

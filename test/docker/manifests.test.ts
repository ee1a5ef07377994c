// The Docker image, the compose stack and the Kubernetes manifests cannot run here, so they are
// checked by reading: every command they run exists in the CLI, every environment variable they
// set lands on a real config key, every ${VAR} of the config they mount is provided, the config
// passes the real validator, probes hit /health and /ready on the configured port, and nothing
// runs as root.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { resolveAuthConfig, type AuthConfig } from '../../core/auth/index.js';
import { loadConfig, type LoadedConfig } from '../../core/config/load.js';
import { resolveJobsConfig, type JobsConfig } from '../../core/jobs/index.js';
import { loadConfigText, overridePath, requiredVariables, valueAt } from './config-keys.js';
import {
  composeContainers,
  dockerDir,
  k8sContainers,
  k8sObjects,
  readYaml,
  repoRoot,
  type ComposeFile,
  type K8sContainer,
  type K8sDeployment,
  type K8sObject,
  type MeridianContainer,
} from './deployments.js';
import { commandVector, envOf, healthcheckOf, instructions, lastInstruction, parseDockerfile, resolvedFrom } from './dockerfile.js';

const run = promisify(execFile);
const dockerfile = parseDockerfile(readFileSync(resolve(dockerDir, 'Dockerfile'), 'utf8'));
const buildStage = dockerfile.stages[0]!;
const runtime = dockerfile.stages.at(-1)!;
const imageCmd = commandVector(lastInstruction(runtime, 'CMD')!.args);
const imageWorkdir = lastInstruction(runtime, 'WORKDIR')!.args;
const compose = readYaml(resolve(dockerDir, 'compose.yaml')) as ComposeFile;
const objects: K8sObject[] = k8sObjects().map((o) => o.object);
const composeMeridian = composeContainers(compose, imageCmd);
const k8sMeridian = k8sContainers(objects, imageCmd);
const platformText = readFileSync(resolve(repoRoot, 'config/platform.yaml'), 'utf8');
/** The values the compose stack gives the platform config, reused to check config/platform.yaml. */
const composeServerEnv = composeMeridian.find((c) => c.args[0] === 'serve')!.env;

/** What the CLI really offers: its commands, and the environment variables its options read. */
interface CliFacts {
  commands: string[];
  optionEnv: Set<string>;
}
let cli: CliFacts;

async function cliHelp(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', ...args, '--help'], { cwd: repoRoot });
  return stdout;
}

/** Every MERIDIAN_* variable is a CLI option's variable or lands on a config key the schema declares. */
async function assertMeridianVariablesAreConfigKeys(container: MeridianContainer): Promise<void> {
  const parsed = container.config ? ((parse(container.config.text) ?? {}) as Record<string, unknown>) : {};
  const overrides = Object.entries(container.env).filter(([name]) => name.startsWith('MERIDIAN_') && !cli.optionEnv.has(name));
  let loaded: LoadedConfig | undefined;
  let loadError: unknown;
  try {
    loaded = container.config ? await loadConfigText(container.config.text, container.env) : await loadConfig({ env: container.env, dataDir: '/tmp/meridian-unused' });
  } catch (err) {
    loadError = err;
  }
  // Name the variable first: a misspelt key otherwise shows only as the loader's complaint.
  for (const [name, value] of overrides) {
    const { problem } = overridePath(name, value, parsed, loaded?.plugins);
    assert.equal(problem, undefined, `${container.where}: ${problem}`);
  }
  if (!loaded) throw loadError;
  for (const [name, value] of overrides) {
    const { path } = overridePath(name, value, parsed, loaded.plugins);
    assert.ok(loaded.envOverrides.includes(path!), `${container.where}: the loader applied ${name} to ${path}`);
    assert.notEqual(valueAt(loaded.config, path!), undefined, `${container.where}: ${path} holds ${name}'s value after validation`);
  }
}

/** The container names a config file, provides its ${VAR}s, and the real loader accepts it. */
async function assertConfigLoads(container: MeridianContainer) {
  assert.ok(container.config, `${container.where} names a config file (MERIDIAN_CONFIG or --config) that one of its mounts provides`);
  const missing = requiredVariables(container.config.text).filter((name) => !(name in container.env));
  assert.deepEqual(missing, [], `${container.where} provides every \${VAR} of ${container.config.source}`);
  return loadConfigText(container.config.text, container.env);
}

describe('deployment manifests', () => {
  before(async function () {
    this.timeout(60_000);
    const [top, serve, worker] = await Promise.all([cliHelp(), cliHelp('serve'), cliHelp('worker')]);
    const commandsSection = top.split(/^Commands:$/m)[1] ?? '';
    const commands = [...commandsSection.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    const optionEnv = new Set([...`${serve}\n${worker}`.matchAll(/\(env:\s+([A-Z][A-Z0-9_]*)\)/g)].map((m) => m[1]!));
    cli = { commands, optionEnv };
    assert.ok(commands.includes('serve') && commands.includes('worker'), `the CLI help lists serve and worker: ${commands.join(', ')}`);
  });

  describe('docker/Dockerfile', () => {
    it('builds in a full Node stage and runs from a slim Node 20 stage', () => {
      assert.ok(dockerfile.stages.length >= 2, 'multi-stage');
      assert.match(resolvedFrom(dockerfile, buildStage), /^node:20-bookworm$/);
      assert.match(resolvedFrom(dockerfile, runtime), /^node:20-bookworm-slim$/);
    });

    it('installs, builds and prunes dev dependencies in the build stage', () => {
      const runs = instructions(buildStage, 'RUN').map((i) => i.args).join('\n');
      for (const step of ['npm ci', 'npm run build', 'npm prune --omit=dev']) assert.ok(runs.includes(step), `build stage runs ${step}`);
      assert.ok(runs.indexOf('npm run build') < runs.indexOf('npm prune --omit=dev'), 'prunes after building');
    });

    it('copies only dist, bin, node_modules and package.json into the runtime stage', () => {
      const copies = instructions(runtime, 'COPY').map((i) => i.args);
      assert.ok(copies.length > 0);
      for (const copy of copies) {
        assert.match(copy, new RegExp(`^--from=${buildStage.name} `), `runtime copies from the build stage only: ${copy}`);
        const source = copy.split(/\s+/)[1]!;
        assert.ok(['/app/dist', '/app/bin', '/app/node_modules', '/app/package.json'].includes(source), `runtime copies ${source}`);
      }
    });

    it('runs as a numeric non-root user', () => {
      const user = lastInstruction(runtime, 'USER')?.args;
      assert.ok(user, 'the runtime stage sets USER');
      const [uid, gid] = user.split(':');
      assert.match(uid!, /^\d+$/, 'numeric, so Kubernetes runAsNonRoot can verify it');
      assert.notEqual(Number(uid), 0);
      if (gid !== undefined) assert.notEqual(Number(gid), 0);
    });

    it('enters through the meridian bin and its CMD names a command the CLI has', () => {
      const entrypoint = commandVector(lastInstruction(runtime, 'ENTRYPOINT')!.args);
      const program = entrypoint.at(-1)!;
      const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };
      const runs = instructions(runtime, 'RUN').map((i) => i.args).join('\n');
      assert.equal(program, 'meridian');
      assert.ok(runs.includes(`ln -s ${posix.join(imageWorkdir, pkg.bin.meridian!)} /usr/local/bin/meridian`), 'meridian on PATH is the package bin');
      assert.ok(cli.commands.includes(imageCmd[0]!), `CMD ${imageCmd[0]} is one of ${cli.commands.join(', ')}`);
    });

    it('checks /health on the default port and exposes the main and S3 ports', async () => {
      const { command } = healthcheckOf(lastInstruction(runtime, 'HEALTHCHECK')!.args);
      const embedded = await loadConfig({ env: {}, dataDir: '/tmp/meridian-unused' });
      const script = command.join(' ');
      assert.ok(script.includes('/health'), script);
      assert.ok(script.includes(`|| ${embedded.config.server.port}`), `falls back to server.port ${embedded.config.server.port}`);
      const exposed = instructions(runtime, 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
      assert.ok(exposed.includes(String(embedded.config.server.port)) && exposed.includes('9000'), `EXPOSE ${exposed.join(' ')}`);
    });

    it('sets only MERIDIAN_* variables that land on config keys', async () => {
      const env = Object.assign({}, ...dockerfile.stages.slice(-1).flatMap((s) => instructions(s, 'ENV').map((i) => envOf(i.args)))) as Record<string, string>;
      await assertMeridianVariablesAreConfigKeys({ where: 'Dockerfile ENV', args: imageCmd, env });
    });
  });

  describe('docker/compose.yaml', () => {
    it('runs the server and two workers with commands the CLI has', () => {
      const byCommand = new Map(composeMeridian.map((c) => [c.args[0], c]));
      assert.ok(byCommand.has('serve') && byCommand.has('worker'), 'a serve and a worker service');
      for (const c of composeMeridian) assert.ok(cli.commands.includes(c.args[0]!), `${c.where} runs ${c.args[0]}`);
      const worker = Object.values(compose.services).find((s) => s.command?.[0] === 'worker');
      assert.equal(worker?.deploy?.replicas, 2);
    });

    it('runs PostGIS, Redis and MinIO with the bucket created before Meridian starts', () => {
      const images = Object.values(compose.services).map((s) => s.image ?? '');
      for (const image of ['postgis/postgis', 'redis', 'minio/minio', 'minio/mc']) assert.ok(images.some((i) => i.startsWith(image)), `an ${image} service`);
      const init = Object.values(compose.services).find((s) => s.image?.startsWith('minio/mc'))!;
      const script = (Array.isArray(init.command) ? init.command.join(' ') : init.command) ?? '';
      assert.match(script, /mc mb --ignore-existing "local\/\$\$S3_BUCKET"/);
    });

    it('mounts config/platform.yaml where MERIDIAN_CONFIG points', () => {
      for (const c of composeMeridian) {
        assert.ok(c.config, `${c.where} mounts its config`);
        assert.equal(c.config.source, resolve(repoRoot, 'config/platform.yaml'));
      }
    });

    it('provides every ${VAR} of the mounted config, which then passes the validator', async () => {
      for (const c of composeMeridian) {
        const loaded = await assertConfigLoads(c);
        assert.equal(loaded.config.jobs.backend, 'bullmq', `${c.where} shares the Redis queue`);
        assert.equal(loaded.config.jobs.runInServer, false, `${c.where}: servers leave the jobs to the workers`);
      }
    });

    it('sets only MERIDIAN_* variables that land on config keys', async () => {
      for (const c of composeMeridian) await assertMeridianVariablesAreConfigKeys(c);
      const worker = composeMeridian.find((c) => c.args[0] === 'worker')!;
      const loaded = await loadConfigText(worker.config!.text, worker.env);
      assert.equal(loaded.config.jobs.concurrency, 4, 'MERIDIAN_JOBS__CONCURRENCY reaches jobs.concurrency');
    });

    it('waits on health checks and on completion, for services that have them', () => {
      for (const [name, service] of Object.entries(compose.services)) {
        const deps = service.depends_on && !Array.isArray(service.depends_on) ? service.depends_on : {};
        for (const [dep, { condition }] of Object.entries(deps)) {
          const target = compose.services[dep];
          assert.ok(target, `${name} depends on an existing service ${dep}`);
          if (condition === 'service_healthy') assert.ok(target.healthcheck?.test && !target.healthcheck.disable, `${dep} has a health check for ${name} to wait on`);
          if (condition === 'service_completed_successfully') assert.equal(target.restart, 'no', `${dep} runs once`);
        }
      }
      const server = Object.entries(compose.services).find(([, s]) => s.command?.[0] === 'serve')!;
      const deps = Object.keys(server[1].depends_on ?? {});
      for (const dep of ['postgis', 'redis', 'minio-init']) assert.ok(deps.includes(dep), `the server waits for ${dep}`);
    });

    it('health-checks the server on /health at the port its config listens on', async () => {
      const c = composeMeridian.find((x) => x.args[0] === 'serve')!;
      const loaded = await loadConfigText(c.config!.text, c.env);
      const service = Object.values(compose.services).find((s) => s.command?.[0] === 'serve')!;
      const test = Array.isArray(service.healthcheck?.test) ? service.healthcheck.test.join(' ') : (service.healthcheck?.test ?? '');
      assert.ok(test.includes(`:${loaded.config.server.port}/health`), test);
      assert.ok(service.ports?.some((p) => p.endsWith(`:${loaded.config.server.port}`)), 'the port is published');
    });

    it('runs no service as root', () => {
      for (const [name, service] of Object.entries(compose.services)) {
        assert.ok(service.user === undefined || !/^(root|0)(:|$)/.test(service.user), `${name} user ${service.user}`);
      }
    });
  });

  describe('docker/k8s', () => {
    const deployments = objects.filter((o): o is K8sDeployment => o.kind === 'Deployment');
    const server = k8sMeridian.find((c) => c.args[0] === 'serve')!;
    const portOf = (container: K8sContainer, port: number | string) =>
      typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;

    it('holds a server and a worker Deployment, a Service, ConfigMaps and a Secret template', () => {
      const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      for (const k of ['Deployment/meridian-server', 'Deployment/meridian-worker', 'Service/meridian', 'ConfigMap/meridian-config', 'Secret/meridian-credentials']) {
        assert.ok(kinds.includes(k), `${k} in ${kinds.join(', ')}`);
      }
      for (const d of deployments) {
        for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.equal(d.spec.template.metadata.labels[k], v, `${d.metadata.name} selects its own pods`);
      }
    });

    it('keeps config/platform.yaml verbatim in the ConfigMap', () => {
      const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'meridian-config')!;
      assert.equal(configMap.data?.['meridian.yaml'], platformText);
      for (const c of k8sMeridian) assert.equal(c.config?.text, platformText, `${c.where} loads the ConfigMap's config`);
    });

    it('runs containers with commands the CLI has', () => {
      assert.deepEqual(k8sMeridian.map((c) => c.args[0]).sort(), ['serve', 'worker']);
      for (const c of k8sMeridian) {
        assert.equal(c.container.command, undefined, `${c.where} keeps the image's entrypoint`);
        assert.ok(cli.commands.includes(c.args[0]!), `${c.where} runs ${c.args[0]}`);
      }
    });

    it('provides every ${VAR} of the mounted config from the ConfigMap and the Secret, and it passes the validator', async () => {
      for (const c of k8sMeridian) await assertConfigLoads(c);
    });

    it('sets only MERIDIAN_* variables that land on config keys', async () => {
      for (const c of k8sMeridian) await assertMeridianVariablesAreConfigKeys(c);
    });

    it('probes the server on /health and /ready at the port its config listens on', async () => {
      const loaded = await loadConfigText(server.config!.text, server.env);
      const { livenessProbe, readinessProbe, startupProbe } = server.container;
      assert.equal(livenessProbe?.httpGet?.path, '/health');
      assert.equal(readinessProbe?.httpGet?.path, '/ready');
      assert.equal(startupProbe?.httpGet?.path ?? '/health', '/health');
      for (const probe of [livenessProbe, readinessProbe, startupProbe]) {
        if (probe?.httpGet) assert.equal(portOf(server.container, probe.httpGet.port), loaded.config.server.port);
      }
    });

    it('exposes the server through a Service on the ports the server container declares', () => {
      const service = objects.find((o) => o.kind === 'Service')! as K8sObject & { spec: { selector: Record<string, string>; ports: Array<{ port: number; targetPort: number | string }> } };
      const labels = server.deployment.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(labels[k], v, 'the Service selects server pods');
      const workerLabels = deployments.find((d) => d.metadata.name === 'meridian-worker')!.spec.template.metadata.labels;
      assert.ok(Object.entries(service.spec.selector).some(([k, v]) => workerLabels[k] !== v), 'and not worker pods');
      for (const port of service.spec.ports) assert.ok(portOf(server.container, port.targetPort), `targetPort ${port.targetPort} is a container port`);
    });

    it('runs as the image user, non-root, on a read-only root with writable /tmp and dataDir', async () => {
      const uid = Number(lastInstruction(runtime, 'USER')!.args.split(':')[0]);
      for (const c of k8sMeridian) {
        const pod = c.deployment.spec.template.spec;
        assert.equal(pod.securityContext?.runAsNonRoot, true, c.where);
        assert.equal(pod.securityContext?.runAsUser, uid, `${c.where} runs as the image's uid ${uid}`);
        const sc = c.container.securityContext;
        assert.equal(sc?.readOnlyRootFilesystem, true, c.where);
        assert.equal(sc?.allowPrivilegeEscalation, false, c.where);
        assert.ok(c.container.resources?.requests && c.container.resources.limits, `${c.where} sets resources`);
        const writable = (c.container.volumeMounts ?? []).filter((m) => !m.readOnly && pod.volumes?.find((v) => v.name === m.name)?.emptyDir);
        assert.ok(writable.some((m) => m.mountPath === '/tmp'), `${c.where} has an emptyDir at /tmp`);
        const loaded = await loadConfigText(c.config!.text, c.env);
        const raw = (parse(c.config!.text) as { dataDir?: string }).dataDir ?? './data';
        const dataDir = c.env.MERIDIAN_DATA_DIR ?? raw;
        const inPod = posix.resolve(imageWorkdir, dataDir);
        assert.ok(writable.some((m) => inPod === m.mountPath || inPod.startsWith(`${m.mountPath}/`)), `${c.where}: dataDir ${inPod} is on a writable volume`);
        assert.ok(loaded.config.dataDir, 'dataDir validated');
      }
    });

    it('ships a Secret template without real secrets', () => {
      const secret = objects.find((o) => o.kind === 'Secret')!;
      const values = Object.values({ ...(secret.stringData ?? {}), ...(secret.data ?? {}) });
      assert.ok(values.length > 0);
      for (const v of values) assert.match(v, /CHANGE_ME/, 'every value is a placeholder');
    });
  });

  describe('config/*.yaml', () => {
    const files = readdirSync(resolve(repoRoot, 'config')).filter((f) => f.endsWith('.yaml')).sort();
    /** The environment each example names: the platform's ${VAR}s as the compose stack sets them. */
    const envFor = (file: string): Record<string, string> => (file === 'platform.yaml' ? composeServerEnv : {});

    it('has the embedded, platform and minimal examples', () => {
      for (const f of ['embedded.yaml', 'platform.yaml', 'minimal.yaml']) assert.ok(files.includes(f), f);
    });

    for (const file of ['embedded.yaml', 'platform.yaml', 'minimal.yaml']) {
      it(`${file} passes the validator with the environment it names`, async () => {
        const path = resolve(repoRoot, 'config', file);
        assert.ok(existsSync(path));
        const text = readFileSync(path, 'utf8');
        const env = envFor(file);
        assert.deepEqual(requiredVariables(text).filter((v) => !(v in env)), [], `${file}: every \${VAR} is set`);
        await loadConfig({ file: path, env });
      });
    }

    it('embedded.yaml says what `meridian serve` does with no config', async () => {
      const fromFile = (await loadConfig({ file: resolve(repoRoot, 'config/embedded.yaml'), env: {} })).config;
      const defaults = (await loadConfig({ env: {} })).config;
      const abs = (p: string) => resolve(p);
      assert.equal(fromFile.dataDir, defaults.dataDir);
      assert.equal(fromFile.sampleData, defaults.sampleData);
      assert.equal(fromFile.builtinPlugins, defaults.builtinPlugins);
      assert.deepEqual(fromFile.server, defaults.server);
      assert.deepEqual(fromFile.log, defaults.log);
      assert.deepEqual(fromFile.plugins, defaults.plugins);
      const db = (c: typeof fromFile) => ({ ...c.database, filename: abs((c.database as { filename: string }).filename) });
      assert.deepEqual(db(fromFile), db(defaults));
      const blobs = (c: typeof fromFile) => ({ ...c.blobs, root: abs((c.blobs as { root: string }).root) });
      assert.deepEqual(blobs(fromFile), blobs(defaults));
      assert.deepEqual(resolveJobsConfig(fromFile.jobs as Partial<JobsConfig>), resolveJobsConfig(defaults.jobs as Partial<JobsConfig>));
      assert.equal((fromFile.jobs as JobsConfig).runInServer ?? true, (defaults.jobs as JobsConfig).runInServer ?? true);
      assert.deepEqual(resolveAuthConfig(fromFile.auth as AuthConfig), resolveAuthConfig(defaults.auth as AuthConfig));
    });

    it('minimal.yaml starts only the plugins it lists', async () => {
      const loaded = await loadConfig({ file: resolve(repoRoot, 'config/minimal.yaml'), env: {} });
      assert.equal(loaded.config.builtinPlugins, false);
      assert.deepEqual(loaded.plugins.map((p) => p.plugin.name).sort(), Object.keys(loaded.config.plugins).filter((n) => loaded.config.plugins[n]!.enabled !== false).sort());
    });
  });
});

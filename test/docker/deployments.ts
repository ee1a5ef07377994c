/**
 * Reads docker/compose.yaml and docker/k8s/*.yaml into what the manifest tests check: each
 * Meridian container's CLI arguments, its environment with every indirection resolved (compose
 * interpolation, YAML merge keys, Kubernetes envFrom / valueFrom), and the config file it loads
 * through its mounts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const dockerDir = resolve(repoRoot, 'docker');
export const k8sDir = resolve(dockerDir, 'k8s');

/** A container that runs the Meridian image, as a deployment describes it. */
export interface MeridianContainer {
  /** 'compose service worker', 'k8s Deployment meridian-server / meridian'. */
  where: string;
  /** Arguments after the image's entrypoint (`serve`, `worker`...). */
  args: string[];
  env: Record<string, string>;
  /** The config file the container loads (MERIDIAN_CONFIG or --config), read through its mount. */
  config?: { path: string; text: string; source: string };
}

export function readYaml(file: string): unknown {
  return parse(readFileSync(file, 'utf8'), { merge: true });
}

// ---- compose ----

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  deploy?: { replicas?: number };
  restart?: string;
  user?: string;
  ports?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/**
 * Compose's own interpolation of a value: `$$` is a literal `$`, `${X:-default}` and
 * `${X-default}` take the default (the stack must come up with nothing set). A variable without
 * a default throws, so a test names it.
 */
export function composeValue(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*)|(:?\?)[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name?: string, dash?: string, fallback?: string, _q?: string, bare?: string) => {
    if (match === '$$') return '$';
    if (dash !== undefined) return fallback ?? '';
    throw new Error(`compose variable ${name ?? bare} has no default`);
  });
}

export function composeEnvironment(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  const source = service.environment ?? {};
  const entries = Array.isArray(source)
    ? source.map((item) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, ''] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries(source).map(([k, v]) => [k, v === null ? '' : String(v)]);
  for (const [name, value] of entries) env[name!] = composeValue(value!);
  return env;
}

export function isMeridianService(service: ComposeService): boolean {
  return service.image?.startsWith('meridian') === true || service.build?.dockerfile?.endsWith('Dockerfile') === true;
}

function composeArgs(service: ComposeService, imageCmd: string[]): string[] {
  if (service.command === undefined) return imageCmd;
  return Array.isArray(service.command) ? service.command : service.command.split(/\s+/);
}

export function composeContainers(compose: ComposeFile, imageCmd: string[]): MeridianContainer[] {
  return Object.entries(compose.services)
    .filter(([, s]) => isMeridianService(s))
    .map(([name, service]) => {
      const args = composeArgs(service, imageCmd);
      const env = composeEnvironment(service);
      const container: MeridianContainer = { where: `compose service ${name}`, args, env };
      const path = configPathOf(args, env);
      if (path) {
        for (const volume of service.volumes ?? []) {
          const [source, target] = typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
          if (target === path && source) {
            const file = resolve(dockerDir, source);
            container.config = { path, text: readFileSync(file, 'utf8'), source: file };
          }
        }
      }
      return container;
    });
}

/** The config file a command line and environment name: --config / -c, else MERIDIAN_CONFIG. */
export function configPathOf(args: string[], env: Record<string, string>): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config' || arg === '-c') return args[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return env.MERIDIAN_CONFIG;
}

// ---- Kubernetes ----

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: Record<string, unknown>;
}

export interface K8sProbe {
  httpGet?: { path: string; port: number | string };
  exec?: { command: string[] };
}

export interface K8sContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } };
  }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string }; prefix?: string }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  livenessProbe?: K8sProbe;
  readinessProbe?: K8sProbe;
  startupProbe?: K8sProbe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>;
}

export interface K8sPodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; runAsGroup?: number; fsGroup?: number };
  containers: K8sContainer[];
  volumes?: Array<{ name: string; emptyDir?: object; configMap?: { name: string; items?: Array<{ key: string; path: string }> }; secret?: { secretName: string } }>;
}

export interface K8sDeployment extends K8sObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: K8sPodSpec };
  };
}

/** Every object of every manifest under docker/k8s, with the file it came from. */
export function k8sObjects(): Array<{ file: string; object: K8sObject }> {
  const out: Array<{ file: string; object: K8sObject }> = [];
  for (const file of readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(resolve(k8sDir, file), 'utf8'), { merge: true })) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      const object = doc.toJS() as K8sObject | null;
      // Cluster objects only: kustomization.yaml configures the build, it is not applied.
      if (object?.kind && object.kind !== 'Kustomization') out.push({ file, object });
    }
  }
  return out;
}

/** A ConfigMap's or Secret's entries as strings (Secret `data` is base64). */
export function k8sEntries(objects: K8sObject[], kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} under docker/k8s`);
  const decoded = Object.fromEntries(Object.entries(found.data ?? {}).map(([k, v]) => [k, kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v]));
  return { ...decoded, ...(found.stringData ?? {}) };
}

/** A container's environment as the kubelet builds it: envFrom first, then env, which wins. */
export function k8sEnvironment(container: K8sContainer, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const entries = from.configMapRef
      ? k8sEntries(objects, 'ConfigMap', from.configMapRef.name)
      : k8sEntries(objects, 'Secret', from.secretRef!.name);
    for (const [k, v] of Object.entries(entries)) env[`${from.prefix ?? ''}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.configMapKeyRef) env[e.name] = k8sEntries(objects, 'ConfigMap', e.valueFrom.configMapKeyRef.name)[e.valueFrom.configMapKeyRef.key]!;
    else if (e.valueFrom?.secretKeyRef) env[e.name] = k8sEntries(objects, 'Secret', e.valueFrom.secretKeyRef.name)[e.valueFrom.secretKeyRef.key]!;
  }
  return env;
}

/** The file at `path` inside a pod, when a ConfigMap volume provides it. */
function mountedFile(path: string, container: K8sContainer, pod: K8sPodSpec, objects: K8sObject[]): { text: string; source: string } | undefined {
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    if (!volume?.configMap) continue;
    const key = mount.subPath
      ? mount.mountPath === path ? mount.subPath : undefined
      : posix.dirname(path) === mount.mountPath ? posix.basename(path) : undefined;
    if (!key) continue;
    const item = volume.configMap.items?.find((i) => i.path === key);
    const entries = k8sEntries(objects, 'ConfigMap', volume.configMap.name);
    const text = entries[item?.key ?? key];
    if (text !== undefined) return { text, source: `ConfigMap ${volume.configMap.name} key ${item?.key ?? key}` };
  }
  return undefined;
}

export function k8sContainers(objects: K8sObject[], imageCmd: string[]): Array<MeridianContainer & { deployment: K8sDeployment; container: K8sContainer }> {
  const out: Array<MeridianContainer & { deployment: K8sDeployment; container: K8sContainer }> = [];
  for (const deployment of objects.filter((o): o is K8sDeployment => o.kind === 'Deployment')) {
    const pod = deployment.spec.template.spec;
    for (const container of pod.containers) {
      const args = container.args ?? imageCmd;
      const env = k8sEnvironment(container, objects);
      const entry: MeridianContainer & { deployment: K8sDeployment; container: K8sContainer } = {
        where: `k8s Deployment ${deployment.metadata.name} / ${container.name}`,
        args,
        env,
        deployment,
        container,
      };
      const path = configPathOf(args, env);
      const file = path ? mountedFile(path, container, pod, objects) : undefined;
      if (path && file) entry.config = { path, ...file };
      out.push(entry);
    }
  }
  return out;
}

/**
 * The batch/v1 Job of one execution: a pod that runs the CWL runner (cwltool or calrissian) in
 * the job's working area, mounted at the same absolute path as on the worker so the paths of the
 * job order and of the output object mean the same on both sides. The runner's stdout (the
 * output object) goes to `cwl-output.json` and its exit code to `cwl-exit` through a small shell
 * wrapper; stderr is the container log, which the backend streams into the job's log.
 * Storage `pvc`: the working area is a subPath of a ReadWriteMany claim the worker mounts too.
 * Storage `blob`: an emptyDir, filled by an init container from the S3 transfer prefix, and a
 * sidecar that puts `out/` and the output object there once `cwl-exit` appears.
 */
import type { Container, EnvVar, Job, Volume } from './api.js';
import type { BlobStorage, KubernetesBackendConfig, PvcStorage } from './config.js';
import type { PodResources } from './resources.js';

export const RUNNER_CONTAINER = 'cwl';
export const STAGE_IN_CONTAINER = 'stage-in';
export const STAGE_OUT_CONTAINER = 'stage-out';
export const JOB_ID_LABEL = 'meridian.io/job-id';
export const OUTPUT_OBJECT_FILE = 'cwl-output.json';
export const EXIT_FILE = 'cwl-exit';

const WORK_VOLUME = 'work';

/** Keeps stderr as the log, stdout as the output object, and leaves the exit code for the stage-out sidecar. */
const RUNNER_WRAPPER = '"$@" > "$MERIDIAN_WORK/cwl-output.json"; code=$?; echo "$code" > "$MERIDIAN_WORK/cwl-exit"; exit "$code"';

const STAGE_OUT_SCRIPT = [
  'until [ -f "$MERIDIAN_WORK/cwl-exit" ]; do sleep 1; done',
  '[ "$(cat "$MERIDIAN_WORK/cwl-exit")" = 0 ] || exit 0',
  'aws s3 cp --recursive --only-show-errors "$MERIDIAN_WORK/out" "$MERIDIAN_TRANSFER/result/out"',
  'aws s3 cp --only-show-errors "$MERIDIAN_WORK/cwl-output.json" "$MERIDIAN_TRANSFER/result/cwl-output.json"',
].join(' && ');

export interface JobManifestInput {
  /** The Job's name (DNS-1123 label). */
  name: string;
  jobId: string;
  /** The working area's absolute path (the worker's, and the mount path in the pod). */
  workDir: string;
  /** pvc: the working area's path inside the claim. */
  subPath?: string;
  /** blob: the s3:// URL of the job's transfer prefix (no trailing '/'). */
  transferUrl?: string;
  /** Package and job order file names in the working area, and the $graph entry. */
  packageFile: string;
  orderFile: string;
  entry?: string;
  resources: PodResources;
  activeDeadlineSeconds: number;
  /** Annotations of this execution (the process, the attempt). */
  annotations: Record<string, string>;
}

/** A label value for any job id: itself when it is one, else a readable stand-in the annotation completes. */
export function labelValue(id: string): string {
  const cleaned = id.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned || 'job';
}

/** `meridian-<id>-<suffix>`, a DNS-1123 label of at most 63 characters (the pod's job-name label). */
export function jobName(jobId: string, suffix: string): string {
  const base = jobId.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  const room = 63 - 'meridian-'.length - 1 - suffix.length;
  return `meridian-${base.slice(0, room).replace(/-$/, '') || 'job'}-${suffix}`;
}

function runnerArgs(config: KubernetesBackendConfig, input: JobManifestInput): string[] {
  const w = input.workDir;
  const pkg = `${w}/${input.packageFile}${input.entry ? `#${input.entry}` : ''}`;
  const order = `${w}/${input.orderFile}`;
  if (config.runner === 'calrissian') {
    return [
      'calrissian',
      '--max-cores', String(config.calrissian.maxCores),
      '--max-ram', `${config.calrissian.maxRamMiB}Mi`,
      '--outdir', `${w}/out`,
      '--tmpdir-prefix', `${w}/tmp/`,
      '--tmp-outdir-prefix', `${w}/tmp/`,
      ...config.runnerArgs,
      pkg, order,
    ];
  }
  return ['cwltool', '--no-container', '--outdir', `${w}/out`, '--tmpdir-prefix', `${w}/tmp/`, '--tmp-outdir-prefix', `${w}/tmp/`, '--disable-color', ...config.runnerArgs, pkg, order];
}

function transferContainer(storage: BlobStorage, name: string, command: string[], input: JobManifestInput, mount: Container['volumeMounts']): Container {
  const env: EnvVar[] = [
    { name: 'MERIDIAN_WORK', value: input.workDir },
    { name: 'MERIDIAN_TRANSFER', value: input.transferUrl! },
    { name: 'AWS_REGION', value: storage.region },
    ...(storage.endpoint ? [{ name: 'AWS_ENDPOINT_URL', value: storage.endpoint }] : []),
  ];
  return {
    name,
    image: storage.transferImage,
    command,
    env,
    ...(storage.credentialsSecret ? { envFrom: [{ secretRef: { name: storage.credentialsSecret } }] } : {}),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    volumeMounts: mount,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
}

export function buildJobManifest(config: KubernetesBackendConfig, storage: PvcStorage | BlobStorage, input: JobManifestInput): Job {
  const labels = { ...config.labels, 'app.kubernetes.io/name': 'meridian-processing', 'app.kubernetes.io/managed-by': 'meridian', [JOB_ID_LABEL]: labelValue(input.jobId) };
  const annotations = { ...config.annotations, ...input.annotations, [JOB_ID_LABEL]: input.jobId };
  const mount = [{ name: WORK_VOLUME, mountPath: input.workDir, ...(input.subPath !== undefined ? { subPath: input.subPath } : {}) }];
  const env: EnvVar[] = [
    { name: 'MERIDIAN_JOB_ID', value: input.jobId },
    { name: 'MERIDIAN_WORK', value: input.workDir },
    { name: 'HOME', value: `${input.workDir}/tmp` },
    { name: 'TMPDIR', value: `${input.workDir}/tmp` },
    // calrissian finds its own pod (volumes, node) by name to give its step pods the same mounts.
    ...(config.runner === 'calrissian' ? [{ name: 'CALRISSIAN_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] : []),
    ...config.env,
  ];
  const runner: Container = {
    name: RUNNER_CONTAINER,
    image: config.image,
    imagePullPolicy: config.imagePullPolicy,
    command: ['/bin/sh', '-c', RUNNER_WRAPPER, 'meridian-runner'],
    args: runnerArgs(config, input),
    workingDir: input.workDir,
    env,
    resources: input.resources,
    volumeMounts: mount,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  };
  const volumes: Volume[] = storage.type === 'pvc' ? [{ name: WORK_VOLUME, persistentVolumeClaim: { claimName: storage.claimName } }] : [{ name: WORK_VOLUME, emptyDir: {} }];
  const containers = [runner];
  let initContainers: Container[] | undefined;
  if (storage.type === 'blob') {
    initContainers = [transferContainer(storage, STAGE_IN_CONTAINER, ['/bin/sh', '-c', 'aws s3 cp --recursive --only-show-errors "$MERIDIAN_TRANSFER/work" "$MERIDIAN_WORK" && mkdir -p "$MERIDIAN_WORK/out" "$MERIDIAN_WORK/tmp"'], input, mount)];
    containers.push(transferContainer(storage, STAGE_OUT_CONTAINER, ['/bin/sh', '-c', STAGE_OUT_SCRIPT], input, mount));
  }
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: input.name, namespace: config.namespace, labels, annotations },
    spec: {
      // The job queue decides about retries (attempts); a failed pod is the try's end.
      backoffLimit: 0,
      activeDeadlineSeconds: input.activeDeadlineSeconds,
      ttlSecondsAfterFinished: config.ttlSecondsAfterFinished,
      template: {
        metadata: { labels, annotations },
        spec: {
          restartPolicy: 'Never',
          ...(config.serviceAccountName ? { serviceAccountName: config.serviceAccountName } : {}),
          // Only calrissian talks to the API (to create its step pods).
          automountServiceAccountToken: config.runner === 'calrissian',
          enableServiceLinks: false,
          ...(config.priorityClassName ? { priorityClassName: config.priorityClassName } : {}),
          securityContext: config.podSecurityContext,
          ...(Object.keys(config.nodeSelector).length ? { nodeSelector: config.nodeSelector } : {}),
          ...(config.tolerations.length ? { tolerations: config.tolerations } : {}),
          ...(config.imagePullSecrets.length ? { imagePullSecrets: config.imagePullSecrets.map((name) => ({ name })) } : {}),
          ...(initContainers ? { initContainers } : {}),
          containers,
          volumes,
        },
      },
    },
  };
}

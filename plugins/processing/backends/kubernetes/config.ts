/** Configuration of the kubernetes execution backend (`plugins.processing.kubernetes`) and its JSON Schema. */
import type { Toleration } from './api.js';

/** The job's working area shared with the worker through a ReadWriteMany claim mounted at the processing workDir. */
export interface PvcStorage {
  type: 'pvc';
  claimName: string;
}

/**
 * No shared volume: the working area is an emptyDir; an init container fetches the staged inputs
 * from the S3 blob store and a sidecar puts the outputs back when the runner has ended.
 */
export interface BlobStorage {
  type: 'blob';
  /** The S3 bucket of the platform's blob store and the store's key prefix (blobs.bucket, blobs.prefix). */
  bucket: string;
  keyPrefix: string;
  /** S3 endpoint for the pods (MinIO, Ceph); absent for AWS. */
  endpoint?: string;
  region: string;
  /** A Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the transfer containers; absent: the pod's own identity (IRSA). */
  credentialsSecret?: string;
  /** An image with the AWS CLI and a shell. */
  transferImage: string;
}

export interface KubernetesBackendConfig {
  /** Namespace of the Jobs. */
  namespace: string;
  /** A kubeconfig file; absent: in-cluster service account, else $KUBECONFIG / ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
  /** cwltool runs every step in the Job's pod; calrissian runs each step as a pod of its own. */
  runner: 'cwltool' | 'calrissian';
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Extra runner arguments, after the backend's own. */
  runnerArgs: string[];
  serviceAccountName?: string;
  imagePullSecrets: string[];
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  priorityClassName?: string;
  /** Pod securityContext (runAsUser/fsGroup must let the runner write what the worker staged). */
  podSecurityContext: Record<string, unknown>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  env: Array<{ name: string; value: string }>;
  storage: StorageConfig;
  /** Upper bound of a Job's run time (activeDeadlineSeconds); a CWL ToolTimeLimit lowers it. */
  activeDeadlineSeconds: number;
  /** Added to a ToolTimeLimit for image pulls and stage-in/out. */
  startupAllowanceSeconds: number;
  ttlSecondsAfterFinished: number;
  pollIntervalMs: number;
  /** calrissian: the runner pod's own resources, and the most all its step pods may use at once. */
  calrissian: { runnerCpu: string; runnerMemory: string; maxCores: number; maxRamMiB: number };
}

/** The storage section as configured (one flat object; `storageOf` checks it). */
export interface StorageConfig {
  type: 'pvc' | 'blob';
  claimName?: string;
  bucket?: string;
  keyPrefix?: string;
  endpoint?: string;
  region?: string;
  credentialsSecret?: string;
  transferImage?: string;
}

/** The storage of the config, checked: a blob storage needs its bucket. */
export function storageOf(c: StorageConfig): PvcStorage | BlobStorage {
  if (c.type === 'blob') {
    if (!c.bucket) throw new Error("processing.kubernetes.storage: type 'blob' needs the bucket of the blob store");
    return { type: 'blob', bucket: c.bucket, keyPrefix: c.keyPrefix ?? '', endpoint: c.endpoint, region: c.region ?? 'us-east-1', credentialsSecret: c.credentialsSecret, transferImage: c.transferImage ?? 'docker.io/amazon/aws-cli:latest' };
  }
  return { type: 'pvc', claimName: c.claimName ?? 'meridian-processing-work' };
}

const stringMap = { type: 'object', additionalProperties: { type: 'string' }, default: {} };

export const kubernetesConfigSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'The kubernetes backend (backend: kubernetes): one Kubernetes Job per execution, running a CWL runner image.',
  properties: {
    namespace: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63, default: 'meridian-processing', description: 'Namespace of the Jobs.' },
    kubeconfig: { type: 'string', minLength: 1, description: 'A kubeconfig file (default: in-cluster service account, else $KUBECONFIG or ~/.kube/config).' },
    context: { type: 'string', minLength: 1, description: 'The kubeconfig context to use.' },
    runner: { type: 'string', enum: ['cwltool', 'calrissian'], default: 'cwltool', description: "'cwltool' runs the whole package in the Job's pod (tools must be in the image); 'calrissian' runs each step as its own pod in its DockerRequirement image." },
    image: { type: 'string', minLength: 1, default: 'docker.io/commonworkflowlanguage/cwltool:latest', description: 'The runner image (e.g. docker.io/commonworkflowlanguage/cwltool, or terradue/calrissian for runner: calrissian); pin a tag or digest.' },
    imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'], default: 'IfNotPresent' },
    runnerArgs: { type: 'array', items: { type: 'string' }, default: [], description: 'Extra runner arguments.' },
    serviceAccountName: { type: 'string', minLength: 1, description: "The pods' service account (calrissian needs one that may create pods: docker/k8s/processing/rbac.yaml)." },
    imagePullSecrets: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
    nodeSelector: { ...stringMap, description: 'nodeSelector of the pods.' },
    tolerations: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          key: { type: 'string' },
          operator: { type: 'string', enum: ['Exists', 'Equal'] },
          value: { type: 'string' },
          effect: { type: 'string', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
          tolerationSeconds: { type: 'integer' },
        },
      },
    },
    priorityClassName: { type: 'string', minLength: 1 },
    podSecurityContext: { type: 'object', default: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 }, description: "The pods' securityContext; the user must be able to write the files the worker staged (the worker's uid)." },
    labels: { ...stringMap, description: 'Extra labels on the Jobs and pods.' },
    annotations: { ...stringMap, description: 'Extra annotations on the Jobs and pods.' },
    env: {
      type: 'array',
      default: [],
      items: { type: 'object', additionalProperties: false, required: ['name', 'value'], properties: { name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, value: { type: 'string' } } },
      description: 'Extra environment of the runner container.',
    },
    storage: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: "The job's working area in the pod: 'pvc' (a ReadWriteMany claim the workers mount at the processing workDir) or 'blob' (an emptyDir filled from and emptied to the S3 blob store).",
      properties: {
        type: { type: 'string', enum: ['pvc', 'blob'], default: 'pvc' },
        claimName: { type: 'string', minLength: 1, default: 'meridian-processing-work', description: 'pvc: the claim.' },
        bucket: { type: 'string', minLength: 1, description: "blob: the blob store's S3 bucket (blobs.bucket)." },
        keyPrefix: { type: 'string', default: '', description: "blob: the blob store's key prefix (blobs.prefix)." },
        endpoint: { type: 'string', minLength: 1, description: 'blob: S3 endpoint as the pods reach it (absent for AWS S3).' },
        region: { type: 'string', default: 'us-east-1' },
        credentialsSecret: { type: 'string', minLength: 1, description: 'blob: a Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (absent: the pod identity).' },
        transferImage: { type: 'string', minLength: 1, default: 'docker.io/amazon/aws-cli:latest', description: 'blob: image of the stage-in/out containers (the AWS CLI and /bin/sh).' },
      },
    },
    activeDeadlineSeconds: { type: 'integer', minimum: 1, default: 86400, description: "Most seconds a Job may run (a CWL ToolTimeLimit plus startupAllowanceSeconds lowers it)." },
    startupAllowanceSeconds: { type: 'integer', minimum: 0, default: 600 },
    ttlSecondsAfterFinished: { type: 'integer', minimum: 0, default: 3600, description: 'How long a finished Job and its pod stay for inspection.' },
    pollIntervalMs: { type: 'integer', minimum: 10, default: 2000, description: 'Interval of the status and log reads.' },
    calrissian: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        runnerCpu: { type: 'string', default: '500m' },
        runnerMemory: { type: 'string', default: '512Mi' },
        maxCores: { type: 'integer', minimum: 1, default: 8 },
        maxRamMiB: { type: 'integer', minimum: 64, default: 16384 },
      },
    },
  },
} as const;

/**
 * The few Kubernetes API calls the kubernetes backend makes, as an interface of its own: the
 * backend is written (and its contract tested) against this, and `client-node-api.ts` implements
 * it with @kubernetes/client-node's BatchV1Api and CoreV1Api. The object types are the subset of
 * batch/v1 Job and core/v1 Pod the backend writes or reads, in the API's JSON field names.
 */

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  creationTimestamp?: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } };
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: Array<{ secretRef?: { name: string }; configMapRef?: { name: string } }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string; readOnly?: boolean }>;
  securityContext?: Record<string, unknown>;
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  emptyDir?: { sizeLimit?: string; medium?: string };
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface PodSpec {
  restartPolicy: 'Never' | 'OnFailure' | 'Always';
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  initContainers?: Container[];
  containers: Container[];
  volumes?: Volume[];
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  imagePullSecrets?: Array<{ name: string }>;
  securityContext?: Record<string, unknown>;
  priorityClassName?: string;
  enableServiceLinks?: boolean;
}

export interface JobCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface Job {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: ObjectMeta;
  spec: {
    backoffLimit: number;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    template: { metadata?: ObjectMeta; spec: PodSpec };
  };
  status?: {
    active?: number;
    succeeded?: number;
    failed?: number;
    ready?: number;
    startTime?: string;
    completionTime?: string;
    conditions?: JobCondition[];
  };
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode: number; reason?: string; message?: string; signal?: number; startedAt?: string; finishedAt?: string };
}

export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerState;
}

export interface Pod {
  metadata: ObjectMeta;
  spec?: { nodeName?: string };
  status?: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    reason?: string;
    message?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface KubernetesApi {
  /** POST /apis/batch/v1/namespaces/{namespace}/jobs */
  createJob(namespace: string, job: Job): Promise<Job>;
  /** GET /apis/batch/v1/namespaces/{namespace}/jobs?labelSelector= */
  listJobs(namespace: string, labelSelector: string): Promise<Job[]>;
  /** GET /apis/batch/v1/namespaces/{namespace}/jobs/{name}/status */
  readJobStatus(namespace: string, name: string): Promise<Job>;
  /** GET /api/v1/namespaces/{namespace}/pods?labelSelector= */
  listPods(namespace: string, labelSelector: string): Promise<Pod[]>;
  /** GET /api/v1/namespaces/{namespace}/pods/{name}/log?container=&timestamps=true[&sinceSeconds=] — the text, each line after its RFC 3339 time. */
  readPodLog(namespace: string, name: string, options: { container: string; sinceSeconds?: number }): Promise<string>;
  /** DELETE /apis/batch/v1/namespaces/{namespace}/jobs/{name} with propagationPolicy Foreground: the Job and its Pods. */
  deleteJob(namespace: string, name: string): Promise<void>;
}

/** An API answer other than 2xx, as both implementations report it. */
export class KubernetesApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubernetesApiError';
  }
}

/**
 * KubernetesApi through @kubernetes/client-node: BatchV1Api for the Jobs, CoreV1Api for their
 * pods and logs. Credentials: a kubeconfig file when configured, else the in-cluster service
 * account (KUBERNETES_SERVICE_HOST set), else $KUBECONFIG / ~/.kube/config. Answers become plain
 * JSON (the client's Dates as RFC 3339 strings), errors KubernetesApiError with the API's Status.
 */
import { ApiException, BatchV1Api, CoreV1Api, KubeConfig, type V1Job } from '@kubernetes/client-node';
import { KubernetesApiError, type Job, type KubernetesApi, type Pod } from './api.js';

const plain = <T>(v: unknown): T => JSON.parse(JSON.stringify(v)) as T;

function apiError(err: unknown): unknown {
  if (!(err instanceof ApiException)) return err;
  let status: { message?: string; reason?: string } = {};
  try {
    status = typeof err.body === 'string' ? (JSON.parse(err.body) as typeof status) : ((err.body ?? {}) as typeof status);
  } catch {
    /* not a Status document */
  }
  return new KubernetesApiError(err.code, status.message ?? `HTTP ${err.code}`, status.reason);
}

async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw apiError(err);
  }
}

export function loadKubeConfig(options: { kubeconfig?: string; context?: string }): KubeConfig {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (options.context) kc.setCurrentContext(options.context);
  return kc;
}

export class ClientNodeKubernetesApi implements KubernetesApi {
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;

  constructor(kc: KubeConfig) {
    this.batch = kc.makeApiClient(BatchV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  createJob(namespace: string, job: Job): Promise<Job> {
    return wrap(async () => plain<Job>(await this.batch.createNamespacedJob({ namespace, body: job as unknown as V1Job })));
  }

  listJobs(namespace: string, labelSelector: string): Promise<Job[]> {
    return wrap(async () => plain<Job[]>((await this.batch.listNamespacedJob({ namespace, labelSelector })).items));
  }

  readJobStatus(namespace: string, name: string): Promise<Job> {
    return wrap(async () => plain<Job>(await this.batch.readNamespacedJobStatus({ namespace, name })));
  }

  listPods(namespace: string, labelSelector: string): Promise<Pod[]> {
    return wrap(async () => plain<Pod[]>((await this.core.listNamespacedPod({ namespace, labelSelector })).items));
  }

  readPodLog(namespace: string, name: string, options: { container: string; sinceSeconds?: number }): Promise<string> {
    return wrap(async () => String(await this.core.readNamespacedPodLog({ namespace, name, container: options.container, timestamps: true, sinceSeconds: options.sinceSeconds })));
  }

  async deleteJob(namespace: string, name: string): Promise<void> {
    await wrap(() => this.batch.deleteNamespacedJob({ namespace, name, propagationPolicy: 'Foreground' }));
  }
}

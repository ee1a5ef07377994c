import type { Metric, Registry } from 'prom-client';

/** One label set's counts. `buckets[i]` counts the observations that fell in bucket i alone. */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly buckets: number[];
  sum: number;
  count: number;
  /** Set once the histogram was reset: a caller holding the series must add a new one. */
  dropped: boolean;
}

/** One exported value, in the shape prom-client's registry formats. */
interface Exported {
  value: number;
  metricName: string;
  labels: Record<string, string | number>;
  sharedLabels?: Readonly<Record<string, string>>;
  exemplar?: null;
}

interface ExportedMetric {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: Exported[];
}

/**
 * A Prometheus histogram for a hot path. prom-client's Histogram checks and hashes the labels of
 * every observation; here the caller names each label set by a key of its own and finds its series by that key
 * and an observation is a few additions. Scrapes export exactly what prom-client's Histogram
 * would (same series, order and text), through the registry it is registered with.
 */
export class FastHistogram {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The series stored under `key` (the caller's own name for a label set), if any. */
  find(key: string): HistogramSeries | undefined {
    return this.series.get(key);
  }

  /** A new series for `labels`, stored under `key`. */
  add(key: string, labels: Record<string, string>): HistogramSeries {
    const series: HistogramSeries = { labels, buckets: this.upperBounds.map(() => 0), sum: 0, count: 0, dropped: false };
    this.series.set(key, series);
    return series;
  }

  observe(series: HistogramSeries, value: number): void {
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        series.buckets[i]!++;
        break;
      }
    }
    series.sum += value;
    series.count += 1;
  }

  /** What the registry formats as text: per series its cumulative buckets, +Inf, _sum, _count. */
  async getForPromString(): Promise<ExportedMetric> {
    const values: Exported[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.upperBounds.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        values.push({ labels: { le }, sharedLabels: s.labels, value: cumulative, metricName: bucket, exemplar: null });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket, exemplar: null },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The same values with every label in `labels` (the JSON form). */
  async get(): Promise<ExportedMetric> {
    const data = await this.getForPromString();
    data.values = data.values.map(({ labels, sharedLabels, ...v }) => ({ ...v, labels: { ...labels, ...sharedLabels } }));
    return data;
  }

  reset(): void {
    for (const s of this.series.values()) s.dropped = true;
    this.series.clear();
  }
}

/** One service the capabilities registry advertises (on `/`, `/services`). */
export interface ServiceEntry {
  /** Service type: 'WMS', 'WMTS', 'CSW', 'OGC API - Processes', 'S3', 'OpenID Connect'... */
  type: string;
  versions: string[];
  title: string;
  /** Absolute or mount-relative URL of the service endpoint. */
  url: string;
  /** URL of its capabilities / description document, when it has one. */
  capabilitiesUrl?: string;
  conformsTo?: string[];
  description?: string;
  /** Set by the core for a plugin on a listener of its own: relative URLs are on this port. */
  port?: number;
}

/** A fragment merged into /openapi.json: paths relative to the plugin's mount. */
export interface OpenAPIFragment {
  paths?: Record<string, unknown>;
  components?: Record<string, Record<string, unknown>>;
  tags?: Array<{ name: string; description?: string }>;
}

export interface RegisteredService extends ServiceEntry {
  plugin: string;
}

export interface CapabilitiesRegistry {
  /** Adds a plugin's services; a service with the same type and URL twice is an error. */
  addServices(plugin: string, services: ServiceEntry[]): void;
  addConformance(plugin: string, classes: string[]): void;
  addOpenAPI(plugin: string, mountPath: string, fragment: OpenAPIFragment): void;
  services(): RegisteredService[];
  conformance(): string[];
  openapi(baseUrl: string): Record<string, unknown>;
}

import type { CapabilitiesRegistry, OpenAPIFragment, RegisteredService, ServiceEntry } from './types.js';

/**
 * What the enabled plugins serve. Adding the same service (type and URL) twice, or anything after
 * start-up has sealed the registry, is an error: a late or duplicate entry is a bug to surface.
 */
export class Registry implements CapabilitiesRegistry {
  private readonly entries: RegisteredService[] = [];
  private readonly classes = new Map<string, Set<string>>();
  private readonly fragments: Array<{ plugin: string; mountPath: string; fragment: OpenAPIFragment }> = [];
  private sealed = false;

  constructor(private readonly info: { title: string; version: string }) {}

  addServices(plugin: string, services: ServiceEntry[]): void {
    this.assertOpen(plugin);
    for (const s of services) {
      const dup = this.entries.find((e) => e.type === s.type && e.url === s.url);
      if (dup) throw new Error(`plugin '${plugin}' registers service ${s.type} at ${s.url}, already registered by '${dup.plugin}'`);
      this.entries.push({ ...s, plugin });
    }
  }

  addConformance(plugin: string, classes: string[]): void {
    this.assertOpen(plugin);
    for (const c of classes) {
      const owners = this.classes.get(c) ?? new Set<string>();
      owners.add(plugin);
      this.classes.set(c, owners);
    }
  }

  addOpenAPI(plugin: string, mountPath: string, fragment: OpenAPIFragment): void {
    this.assertOpen(plugin);
    this.fragments.push({ plugin, mountPath, fragment });
  }

  seal(): void {
    this.sealed = true;
  }

  services(): RegisteredService[] {
    return [...this.entries];
  }

  conformance(): string[] {
    return [...this.classes.keys()].sort();
  }

  /** The plugins' fragments merged under their mount paths; clashing paths or components are errors at merge time. */
  openapi(baseUrl: string): Record<string, unknown> {
    const paths: Record<string, unknown> = {};
    const components: Record<string, Record<string, unknown>> = {};
    const tags: Array<{ name: string; description?: string }> = [];
    for (const { plugin, mountPath, fragment } of this.fragments) {
      for (const [p, item] of Object.entries(fragment.paths ?? {})) {
        const full = `${mountPath}${p === '/' && mountPath ? '' : p}` || '/';
        if (paths[full]) throw new Error(`OpenAPI path ${full} of plugin '${plugin}' is already defined`);
        paths[full] = item;
      }
      for (const [kind, defs] of Object.entries(fragment.components ?? {})) {
        components[kind] ??= {};
        for (const [name, def] of Object.entries(defs)) {
          const existing = components[kind]![name];
          if (existing && JSON.stringify(existing) !== JSON.stringify(def)) {
            throw new Error(`OpenAPI component ${kind}.${name} of plugin '${plugin}' differs from one already defined`);
          }
          components[kind]![name] = def;
        }
      }
      for (const t of fragment.tags ?? []) if (!tags.some((x) => x.name === t.name)) tags.push(t);
    }
    return {
      openapi: '3.0.3',
      info: { title: this.info.title, version: this.info.version },
      servers: [{ url: baseUrl }],
      tags,
      paths,
      components,
    };
  }

  private assertOpen(plugin: string): void {
    if (this.sealed) throw new Error(`plugin '${plugin}' registers capabilities after start-up`);
  }
}

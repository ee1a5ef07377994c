import type { RegisteredService } from '../registry/types.js';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The landing page a browser sees: every enabled service with links to its documents. */
export function landingHtml(title: string, version: string, baseUrl: string, services: RegisteredService[], conformance: string[]): string {
  const rows = services
    .map(
      (s) => `<tr><td>${escape(s.type)}</td><td>${escape(s.versions.join(', '))}</td><td><a href="${escape(s.url)}">${escape(s.title)}</a></td>` +
        `<td>${s.capabilitiesUrl ? `<a href="${escape(s.capabilitiesUrl)}">capabilities</a>` : ''}</td><td>${escape(s.plugin)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="alternate" type="application/json" href="${escape(baseUrl)}/?f=json">
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
code{background:#f4f4f4;padding:0 .2rem}</style></head>
<body><h1>${escape(title)}</h1>
<p>Meridian ${escape(version)}: an Earth Observation platform server. Services enabled here:</p>
<table><thead><tr><th>Service</th><th>Versions</th><th>Endpoint</th><th>Document</th><th>Plugin</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5">No service plugin is enabled.</td></tr>'}
</tbody></table>
<h2>Platform</h2><ul>
<li><a href="${escape(baseUrl)}/services">services</a> (JSON)</li>
<li><a href="${escape(baseUrl)}/conformance">conformance classes</a> (${conformance.length})</li>
<li><a href="${escape(baseUrl)}/openapi.json">OpenAPI document</a></li>
<li><a href="${escape(baseUrl)}/health">health</a>, <a href="${escape(baseUrl)}/ready">readiness</a>, <a href="${escape(baseUrl)}/metrics">metrics</a></li>
</ul></body></html>
`;
}

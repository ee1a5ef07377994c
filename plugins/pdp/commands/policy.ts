/** `meridian pdp policy add|list|activate`: the PAP from the command line (same checks as the API). */
import { readFileSync } from 'node:fs';
import type { PluginCommandInvocation } from '../../../core/plugin.js';
import type { PdpService } from '../service.js';

async function pdpOf(invocation: PluginCommandInvocation, quiet = true): Promise<PdpService> {
  const platform = await invocation.platform({ quiet });
  return platform.service<PdpService>('pdp');
}

function domainOf(invocation: PluginCommandInvocation, pdp: PdpService): string {
  return typeof invocation.options.domain === 'string' ? invocation.options.domain : pdp.defaultDomain;
}

function fail(invocation: PluginCommandInvocation, command: string, err: unknown): number {
  invocation.stderr.write(`meridian pdp policy ${command}: ${(err as Error).message}\n`);
  return 1;
}

export async function policyAddCommand(invocation: PluginCommandInvocation): Promise<number> {
  const file = String(invocation.args[0]);
  let xml: string;
  try {
    xml = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(invocation, 'add', err);
  }
  const pdp = await pdpOf(invocation);
  const domain = domainOf(invocation, pdp);
  try {
    const stored = await pdp.policies.add(domain, xml);
    invocation.stdout.write(`added ${stored.kind} ${stored.policyId} version ${stored.version} to domain ${domain}\n`);
    if (invocation.options.activate === true) {
      await pdp.policies.activate(domain, stored.policyId, stored.version);
      invocation.stdout.write(`activated ${stored.policyId} version ${stored.version}\n`);
    }
    return 0;
  } catch (err) {
    return fail(invocation, 'add', err);
  }
}

export async function policyListCommand(invocation: PluginCommandInvocation): Promise<number> {
  const pdp = await pdpOf(invocation);
  const domain = domainOf(invocation, pdp);
  const policies = await pdp.policies.list(domain);
  if (invocation.options.json === true) {
    invocation.stdout.write(`${JSON.stringify({ domain, policies })}\n`);
    return 0;
  }
  if (policies.length === 0) invocation.stdout.write(`domain ${domain}: no policies (the default policy set decides)\n`);
  for (const p of policies) {
    invocation.stdout.write(`${p.policyId}\t${p.kind}\tversions ${p.versions.join(', ')}\t${p.active ? `active ${p.active}` : 'inactive'}\n`);
  }
  return 0;
}

export async function policyActivateCommand(invocation: PluginCommandInvocation): Promise<number> {
  const [id, version] = invocation.args.map(String) as [string, string];
  const pdp = await pdpOf(invocation);
  const domain = domainOf(invocation, pdp);
  try {
    const done = await pdp.policies.activate(domain, id, version);
    invocation.stdout.write(`activated ${done.policyId} version ${done.version} in domain ${domain}\n`);
    return 0;
  } catch (err) {
    return fail(invocation, 'activate', err);
  }
}

/** `meridian pdp run-vectors DIR`: the conformance runner of the XACML engine, as a command. */
import { statSync } from 'node:fs';
import type { PluginCommandInvocation } from '../../../core/plugin.js';
import { runConformanceVectors } from '../vectors.js';

export async function runVectorsCommand(invocation: PluginCommandInvocation): Promise<number> {
  const dir = String(invocation.args[0]);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    invocation.stderr.write(`meridian pdp run-vectors: cannot read ${dir}: ${(err as Error).message}\n`);
    return 1;
  }
  const only = typeof invocation.options.only === 'string' ? invocation.options.only : undefined;
  let report;
  try {
    report = await runConformanceVectors(dir, only ? { filter: (id) => id.includes(only) } : {});
  } catch (err) {
    invocation.stderr.write(`meridian pdp run-vectors: ${(err as Error).message}\n`);
    return 1;
  }
  for (const c of report.cases) {
    if (c.ok) continue;
    for (const m of c.mismatches.length ? c.mismatches : ['failed']) invocation.stdout.write(`${c.category ? `${c.category}/` : ''}${c.id}: ${m}\n`);
  }
  invocation.stdout.write(`${report.passed} passed, ${report.failed} failed\n`);
  return report.failed > 0 ? 1 : 0;
}

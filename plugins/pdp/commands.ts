/** `meridian pdp ...` commands: declarations only; commands/*.ts are loaded when one runs. */
import type { PluginCommand } from '../../core/plugin.js';

const domainOption = { flags: '--domain <name>', description: 'the domain (default: the plugin\'s defaultDomain)' };

export const pdpCommands: PluginCommand[] = [
  {
    name: 'pdp run-vectors',
    description: 'run XACML conformance vectors from a folder (OASIS/AuthzForce layout): prints each mismatch, then "N passed, N failed"',
    arguments: [{ name: '<dir>', description: 'folder of vectors (<category>/<ID>/policy.xml, request.xml, response.xml)' }],
    options: [{ flags: '--only <pattern>', description: 'only cases whose id contains this text' }],
    help: 'Exit status: 0 every case passed; 1 some failed or the folder could not be read.',
    async run(invocation) {
      const { runVectorsCommand } = await import('./commands/run-vectors.js');
      return runVectorsCommand(invocation);
    },
  },
  {
    name: 'pdp policy add',
    description: 'store a Policy or PolicySet (its id and version from the document) in a domain',
    arguments: [{ name: '<file>', description: 'the XACML policy document' }],
    options: [domainOption, { flags: '--activate', description: 'make the new version the active one' }],
    help: 'Exit status: 0 stored; 1 invalid policy, a version that exists, or an unreadable file.',
    async run(invocation) {
      const { policyAddCommand } = await import('./commands/policy.js');
      return policyAddCommand(invocation);
    },
  },
  {
    name: 'pdp policy list',
    description: "list a domain's policies, their versions and the active one",
    options: [domainOption, { flags: '--json', description: 'print JSON' }],
    async run(invocation) {
      const { policyListCommand } = await import('./commands/policy.js');
      return policyListCommand(invocation);
    },
  },
  {
    name: 'pdp policy activate',
    description: 'make a version of a policy the active one in its domain (recompiles the domain)',
    arguments: [
      { name: '<id>', description: 'PolicyId or PolicySetId' },
      { name: '<version>', description: "the version, or 'latest'" },
    ],
    options: [domainOption],
    help: 'Exit status: 0 activated; 1 no such policy or version, or the domain would not compile.',
    async run(invocation) {
      const { policyActivateCommand } = await import('./commands/policy.js');
      return policyActivateCommand(invocation);
    },
  },
];

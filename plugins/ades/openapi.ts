/**
 * The ADES's OpenAPI 3.0 fragment (paths relative to the mount path), merged by the core into
 * /openapi.json. Bodies are described by name (the OGC API Processes 1.0 schemas are the
 * reference: processList, process, execute, statusInfo, jobList, results); components carry an
 * `ADES` prefix so they never clash with another plugin's.
 */
import type { OpenAPIFragment } from '../../core/registry/types.js';

const TAG = 'OGC API - Processes';
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ADESException' } } } });
const json = (description: string, ogcSchema: string) => ({ description, content: { 'application/json': { schema: { type: 'object', description: `OGC API Processes 1.0 ${ogcSchema}.yaml` } } } });
const param = (name: string, where: 'path' | 'query', description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: where, required: where === 'path', description, schema });

export function adesOpenApi(options: { deploy: boolean }): OpenAPIFragment {
  const processId = param('processId', 'path', 'Process identifier');
  const jobId = param('jobId', 'path', 'Job identifier');
  const paths: Record<string, Record<string, unknown>> = {
    '/': { get: { tags: [TAG], operationId: 'adesLanding', summary: 'Landing page', responses: { '200': json('Links to the API', 'landingPage') } } },
    '/conformance': { get: { tags: [TAG], operationId: 'adesConformance', summary: 'Conformance classes', responses: { '200': json('The classes implemented', 'confClasses') } } },
    '/processes': {
      get: {
        tags: [TAG], operationId: 'adesProcesses', summary: 'Processes the caller may read',
        parameters: [param('limit', 'query', 'Page size', { type: 'integer', minimum: 1 }), param('offset', 'query', 'Page start', { type: 'integer', minimum: 0 })],
        responses: { '200': json('Process summaries', 'processList') },
      },
      ...(options.deploy
        ? {
            post: {
              tags: [TAG], operationId: 'adesDeploy', summary: 'Deploy an application package (Part 2)',
              requestBody: { required: true, content: Object.fromEntries(['application/cwl+yaml', 'application/cwl+json', 'application/cwl', 'application/ogcapppkg+json'].map((t) => [t, { schema: { type: t.endsWith('yaml') || t === 'application/cwl' ? 'string' : 'object' } }])) },
              responses: { '201': json('Deployed; Location names the process', 'processSummary'), '400': problem('The package is invalid (detail and locator say what and where)'), '401': problem('Authentication required'), '403': problem('The policy refuses it'), '409': problem('A process with this id exists'), '415': problem('Unsupported Content-Type') },
            },
          }
        : {}),
    },
    '/processes/{processId}': {
      get: { tags: [TAG], operationId: 'adesProcess', summary: 'Process description', parameters: [processId], responses: { '200': json('The description', 'process'), '404': problem('No such process') } },
      ...(options.deploy
        ? {
            put: { tags: [TAG], operationId: 'adesReplace', summary: 'Replace a deployed process (Part 2)', parameters: [processId], responses: { '204': { description: 'Replaced' }, '400': problem('Invalid package'), '403': problem('Refused, or built in'), '404': problem('No such process') } },
            delete: { tags: [TAG], operationId: 'adesUndeploy', summary: 'Undeploy a process (Part 2); accepted jobs still end', parameters: [processId], responses: { '204': { description: 'Undeployed' }, '403': problem('Refused, or built in'), '404': problem('No such process') } },
          }
        : {}),
    },
    '/processes/{processId}/execution': {
      post: {
        tags: [TAG], operationId: 'adesExecute', summary: 'Execute (Prefer: respond-async for a job)',
        parameters: [processId, { name: 'Prefer', in: 'header', required: false, schema: { type: 'string' }, description: 'respond-async' }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', description: 'OGC API Processes 1.0 execute.yaml, plus response: raw|document' } } } },
        responses: { '200': json('Synchronous results', 'results'), '201': json('Job created; Location names it', 'statusInfo'), '400': problem('Invalid inputs'), '403': problem('The policy refuses it'), '404': problem('No such process'), '500': problem('The job failed') },
      },
    },
    '/jobs': {
      get: {
        tags: [TAG], operationId: 'adesJobs', summary: 'Jobs the caller may read, newest first',
        parameters: [param('processID', 'query', 'Process ids (comma-separated)'), param('status', 'query', 'Statuses (comma-separated)'), param('type', 'query', 'process'), param('limit', 'query', 'Page size', { type: 'integer', minimum: 1 }), param('offset', 'query', 'Page start', { type: 'integer', minimum: 0 })],
        responses: { '200': json('Jobs', 'jobList'), '400': problem('A bad filter') },
      },
    },
    '/jobs/{jobId}': {
      get: { tags: [TAG], operationId: 'adesJob', summary: 'Job status', parameters: [jobId], responses: { '200': json('Status', 'statusInfo'), '404': problem('No such job') } },
      delete: { tags: [TAG], operationId: 'adesDismiss', summary: 'Dismiss a job', parameters: [jobId], responses: { '200': json('Status after dismissal', 'statusInfo'), '404': problem('No such job') } },
    },
    '/jobs/{jobId}/results': { get: { tags: [TAG], operationId: 'adesResults', summary: 'Results document', parameters: [jobId, param('outputs', 'query', 'Output ids (comma-separated)')], responses: { '200': json('Results', 'results'), '404': problem('No such job, or results not ready'), '500': problem('The job failed') } } },
    '/jobs/{jobId}/results/{outputId}': { get: { tags: [TAG], operationId: 'adesResult', summary: 'One output, raw', parameters: [jobId, param('outputId', 'path', 'Output id')], responses: { '200': { description: 'The file or the value' }, '404': problem('No such job or output') } } },
    '/jobs/{jobId}/logs': { get: { tags: [TAG], operationId: 'adesLogs', summary: 'Log lines of the job', parameters: [jobId], responses: { '200': { description: 'Lines', content: { 'text/plain': { schema: { type: 'string' } } } }, '404': problem('No such job') } } },
    '/jobs/{jobId}/usage': { get: { tags: [TAG], operationId: 'adesUsage', summary: 'Usage records of the job (Meridian extension)', parameters: [jobId], responses: { '200': { description: 'Usage', content: { 'application/json': { schema: { type: 'object' } } } }, '404': problem('No such job') } } },
  };
  return {
    tags: [{ name: TAG, description: 'Processes, jobs and application packages (ADES)' }],
    paths,
    components: {
      schemas: {
        ADESException: {
          type: 'object',
          required: ['type'],
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' }, locator: { type: 'string' } },
        },
      },
    },
  };
}

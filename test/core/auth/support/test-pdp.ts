import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small XACML PDP for tests (the built-in PDP arrives with a later issue). It reads a JSON
 * Profile request and evaluates a fixed policy on the attributes it receives:
 *  - a subject with role `admin` is permitted anything;
 *  - the owner of a resource is permitted anything on it;
 *  - `read` of a resource whose `visibility` is not `private` is permitted, with a filter
 *    obligation naming the subject and the visible values, and an audit advice;
 *  - resources of type `unknown` are NotApplicable; everything else is denied.
 * `mode` makes it misbehave: answer HTTP 500, answer non-JSON, or never answer.
 */
export class TestPdp {
  requests: Array<{ contentType: string | undefined; body: unknown }> = [];
  mode: 'normal' | 'http-500' | 'garbage' | 'hang' = 'normal';
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<TestPdp> {
    let pdp: TestPdp | undefined;
    const server = createServer((req, res) => {
      void pdp!.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    pdp = new TestPdp(server, `http://127.0.0.1:${port}/pdp`);
    return pdp;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (this.mode === 'hang') return;
    if (this.mode === 'http-500') {
      res.writeHead(500).end('boom');
      return;
    }
    if (this.mode === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/xacml+json' }).end('<html>not json</html>');
      return;
    }
    const contentType = req.headers['content-type'];
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    this.requests.push({ contentType, body });
    if (contentType !== 'application/xacml+json') {
      res.writeHead(415).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/xacml+json' });
    res.end(JSON.stringify({ Response: [evaluate(body)] }));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

type Bags = Map<string, unknown[]>;

/** Attribute bags by `CategoryId|AttributeId`. */
function bags(body: unknown): Bags | null {
  const categories = (body as { Request?: { Category?: unknown } })?.Request?.Category;
  if (!Array.isArray(categories)) return null;
  const result: Bags = new Map();
  for (const category of categories as Array<{ CategoryId: string; Attribute?: Array<{ AttributeId: string; Value: unknown }> }>) {
    for (const attribute of category.Attribute ?? []) {
      const key = `${category.CategoryId}|${attribute.AttributeId}`;
      const values = Array.isArray(attribute.Value) ? attribute.Value : [attribute.Value];
      result.set(key, [...(result.get(key) ?? []), ...values]);
    }
  }
  return result;
}

const SUBJECT = 'urn:oasis:names:tc:xacml:1.0:subject-category:access-subject';
const RESOURCE = 'urn:oasis:names:tc:xacml:3.0:attribute-category:resource';
const ACTION = 'urn:oasis:names:tc:xacml:3.0:attribute-category:action';
const OK = { StatusCode: { Value: 'urn:oasis:names:tc:xacml:1.0:status:ok' } };

function evaluate(body: unknown): Record<string, unknown> {
  const b = bags(body);
  if (!b) {
    return { Decision: 'Indeterminate', Status: { StatusCode: { Value: 'urn:oasis:names:tc:xacml:1.0:status:syntax-error' }, StatusMessage: 'no Category' } };
  }
  const one = (category: string, id: string) => b.get(`${category}|${id}`)?.[0];
  const subjectId = one(SUBJECT, 'urn:oasis:names:tc:xacml:1.0:subject:subject-id');
  const roles = b.get(`${SUBJECT}|urn:oasis:names:tc:xacml:2.0:subject:role`) ?? [];
  const action = one(ACTION, 'urn:oasis:names:tc:xacml:1.0:action:action-id');
  const type = one(RESOURCE, 'urn:meridian:resource:type');
  const owner = one(RESOURCE, 'urn:meridian:resource:owner');
  const visibility = one(RESOURCE, 'urn:meridian:resource:attribute:visibility');

  if (type === 'unknown') return { Decision: 'NotApplicable', Status: OK };
  if (roles.includes('admin')) return { Decision: 'Permit', Status: OK };
  if (owner !== undefined && owner === subjectId) return { Decision: 'Permit', Status: OK };
  if (action === 'read' && visibility !== 'private') {
    return {
      Decision: 'Permit',
      Status: OK,
      Obligations: [
        {
          Id: 'urn:meridian:obligation:filter',
          AttributeAssignment: [
            { AttributeId: 'urn:meridian:filter:viewer', Value: subjectId, DataType: 'http://www.w3.org/2001/XMLSchema#string' },
            { AttributeId: 'urn:meridian:filter:visibility', Value: 'public' },
            { AttributeId: 'urn:meridian:filter:visibility', Value: 'shared' },
          ],
        },
      ],
      AssociatedAdvice: [{ Id: 'urn:example:advice:audit', AttributeAssignment: [{ AttributeId: 'urn:example:advice:level', Value: 'low' }] }],
    };
  }
  return { Decision: 'Deny', Status: OK };
}

/**
 * DescribeRecord (CSW 2.0.2 §10.6; gone from 3.0). Each SchemaComponent holds a schema of the
 * type's namespace that includes the official schema by its canonical URL (record.xsd,
 * ISO 19139 gmd.xsd), so a client resolves the same definitions the responses validate against,
 * and the server ships no copy of them.
 */
import { el, invalidParameterValue, SCHEMA_LOCATION } from '../../core/ows/index.js';
import type { CswEnv, CswResponse } from './context.js';
import { isName } from './names.js';
import { CSW_NS, XML_SCHEMA_LANGUAGES } from './namespaces.js';
import { checkOutputFormat } from './record-encoding.js';
import type { DescribeRecordRequest, QualifiedName } from './requests.js';
import { xmlResponse } from './response.js';
import { PROFILES } from './versions.js';

interface DescribedType {
  name: string;
  namespace: string;
  local: string;
  schema: string;
}

const TYPES: DescribedType[] = [
  { name: 'csw:Record', namespace: CSW_NS.csw202, local: 'Record', schema: SCHEMA_LOCATION.csw202Record },
  { name: 'gmd:MD_Metadata', namespace: CSW_NS.gmd, local: 'MD_Metadata', schema: SCHEMA_LOCATION.gmd },
];

function describedTypes(names: readonly QualifiedName[]): DescribedType[] {
  if (names.length === 0) return TYPES;
  return names.map((n) => {
    const type = TYPES.find((t) => isName(n, t.namespace, t.local));
    if (!type) throw invalidParameterValue('TypeName', `Unknown type '${n.written}'; types are ${TYPES.map((t) => t.name).join(', ')}`);
    return type;
  });
}

export function describeRecord(request: DescribeRecordRequest, env: CswEnv): CswResponse {
  void env;
  checkOutputFormat(request.outputFormat);
  if (request.schemaLanguage !== undefined && !(XML_SCHEMA_LANGUAGES as readonly string[]).includes(request.schemaLanguage.trim())) {
    throw invalidParameterValue('schemaLanguage', `schemaLanguage must be ${XML_SCHEMA_LANGUAGES[0]}; got '${request.schemaLanguage}'`);
  }
  const profile = PROFILES[request.version];
  const root = el(
    'csw:DescribeRecordResponse',
    { 'xmlns:csw': profile.csw, 'xmlns:xsi': CSW_NS.xsi, 'xsi:schemaLocation': profile.discoverySchema },
    describedTypes(request.typeNames).map((t) =>
      el(
        'csw:SchemaComponent',
        { targetNamespace: t.namespace, schemaLanguage: XML_SCHEMA_LANGUAGES[0] },
        el('xsd:schema', { 'xmlns:xsd': CSW_NS.xsd, targetNamespace: t.namespace, elementFormDefault: 'qualified' }, el('xsd:include', { schemaLocation: t.schema })),
      ),
    ),
  );
  return xmlResponse(root);
}

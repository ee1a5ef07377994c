/**
 * WPS 1.0.0 (OGC 05-007r7) on the /wps endpoint, on every database kind: version negotiation,
 * GetCapabilities, DescribeProcess and Execute in KVP and XML (a document with outputs inline and
 * by reference, lineage, raw data, a stored response whose statusLocation follows the job, a
 * failed job), the 1.0.0 exception codes in OWS 1.1 reports, and OWSLib's WPS 1.0.0 client
 * (getcapabilities, describeprocess, execute sync and async with checkStatus/monitorExecution,
 * getOutput) run with /usr/bin/python3. Every document is validated against the official WPS
 * 1.0.0 schemas (test/fixtures/schemas/ogc/wps/1.0.0) and OWS 1.1 exception schema.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OwsException, parseXmlDocument, selectNodes } from '../../../core/ows/index.js';
import { toWps1Error } from '../../../plugins/wps/wps1/errors.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { assertValidXml } from '../../helpers/xsd.js';
import type { ApiResponse } from '../ades/support.js';
import { makeCog } from '../ades/support.js';
import { deployXml, fixture, startWps, type User, type WpsHarness } from './support.js';

const NS1 = { wps: 'http://www.opengis.net/wps/1.0.0', ows: 'http://www.opengis.net/ows/1.1', xlink: 'http://www.w3.org/1999/xlink' };
const XSD = (name: string) => `ogc/wps/1.0.0/${name}.xsd`;
const HEAD1 = `service="WPS" version="1.0.0" xmlns:wps="${NS1.wps}" xmlns:ows="${NS1.ows}" xmlns:xlink="${NS1.xlink}"`;
const TIFF_MAGIC = /^(49492a00|4d4d002a|49492b00)/;
const isTiff = (b: Buffer) => TIFF_MAGIC.test(b.subarray(0, 4).toString('hex'));
const SCENE = 'blob:workspaces/alice/scene.tif';
const OWSLIB_SCRIPT = fileURLToPath(new URL('./owslib_wps1.py', import.meta.url));

function xp(xml: string, path: string): string[] {
  return selectNodes(parseXmlDocument(xml), path, NS1).map((n: any) => (typeof n.value === 'function' ? n.value() : n.text()));
}

function assertDoc(res: ApiResponse, schema: string, status = 200): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /xml/);
  assertValidXml(res.text, XSD(schema));
}

/** An OWS 1.1 ExceptionReport (version 1.0.0, valid) with this status and code; its locator. */
function assertException1(res: ApiResponse, status: number, code: string): string | undefined {
  assert.equal(res.status, status, res.text);
  assertValidXml(res.text, 'ogc/ows/1.1.0/owsExceptionReport.xsd');
  assert.deepEqual(xp(res.text, '/ows:ExceptionReport/@version'), ['1.0.0']);
  assert.deepEqual(xp(res.text, '/ows:ExceptionReport/ows:Exception/@exceptionCode'), [code], res.text);
  return xp(res.text, '/ows:ExceptionReport/ows:Exception/@locator')[0];
}

const clipInputs = (bbox = '<wps:BoundingBoxData crs="urn:ogc:def:crs:EPSG::4326" dimensions="2"><ows:LowerCorner>49.2 10.2</ows:LowerCorner><ows:UpperCorner>49.6 10.6</ows:UpperCorner></wps:BoundingBoxData>') =>
  `<wps:DataInputs><wps:Input><ows:Identifier>image</ows:Identifier><wps:Reference xlink:href="${SCENE}"/></wps:Input><wps:Input><ows:Identifier>bbox</ows:Identifier><wps:Data>${bbox}</wps:Data></wps:Input></wps:DataInputs>`;

function execute1(process: string, inputs: string, form = ''): string {
  return `<wps:Execute ${HEAD1}><ows:Identifier>${process}</ows:Identifier>${inputs}${form}</wps:Execute>`;
}

for (const kind of testDatabaseKinds()) {
  describe(`wps 1.0.0 (${kind.name})`, function () {
    this.timeout(240_000);
    let h: WpsHarness;
    const kvp1 = (q: string, as?: User) => h.kvp(`service=WPS&version=1.0.0&${q}`, as);

    before(async () => {
      h = await startWps(kind);
      const blobs = h.server.meridian.stores.blobs;
      await blobs.put('workspaces/alice/scene.tif', readFileSync(makeCog()), { contentType: 'image/tiff; application=geotiff' });
    });
    after(async () => h?.close());

    it('version negotiation and GetCapabilities (KVP and XML): valid 1.0.0 documents', async () => {
      for (const q of ['service=WPS&request=GetCapabilities&version=1.0.0', 'service=WPS&request=GetCapabilities&AcceptVersions=1.0.0', 'service=WPS&request=GetCapabilities&AcceptVersions=1.0.0,2.0.0']) {
        const res = await h.kvp(q);
        assertDoc(res, 'wpsGetCapabilities_response');
        assert.deepEqual(xp(res.text, '/wps:Capabilities/@version'), ['1.0.0']);
        assert.deepEqual(xp(res.text, '//ows:ServiceIdentification/ows:ServiceTypeVersion'), ['1.0.0']);
        assert.deepEqual(xp(res.text, '//ows:OperationsMetadata/ows:Operation/@name'), ['GetCapabilities', 'DescribeProcess', 'Execute']);
        const ids = xp(res.text, '/wps:Capabilities/wps:ProcessOfferings/wps:Process/ows:Identifier');
        for (const id of ['clip', 'ndvi', 'reproject']) assert.ok(ids.includes(id), ids.join());
        assert.deepEqual(xp(res.text, '//wps:Process[ows:Identifier="clip"]/@wps:processVersion'), ['1.0.0']);
        assert.deepEqual(xp(res.text, '/wps:Capabilities/wps:Languages/wps:Default/ows:Language'), ['en']);
      }
      // Without a version: the highest (2.0).
      assert.deepEqual(xp((await h.kvp('service=WPS&request=GetCapabilities')).text, '/wps:Capabilities/@version'), []);
      const xml = await h.post(`<wps:GetCapabilities service="WPS" xmlns:wps="${NS1.wps}" xmlns:ows="${NS1.ows}"><wps:AcceptVersions><ows:Version>1.0.0</ows:Version></wps:AcceptVersions></wps:GetCapabilities>`);
      assertDoc(xml, 'wpsGetCapabilities_response');
      // 1.0.0 has three operations; other versions are refused in the 1.0.0 format where the version is 1.0.0.
      assertException1(await kvp1('request=GetStatus&jobId=x'), 501, 'OperationNotSupported');
      assertException1(await h.post(`<wps:GetStatus ${HEAD1}/>`), 501, 'OperationNotSupported');
      assert.equal(assertException1(await h.post(`<wps:DescribeProcess service="WPS" version="2.0.0" xmlns:wps="${NS1.wps}" xmlns:ows="${NS1.ows}"><ows:Identifier>clip</ows:Identifier></wps:DescribeProcess>`), 400, 'InvalidParameterValue'), 'version');
    });

    it('DescribeProcess (KVP, XML, ALL): valid; complex, literal and bounding box data; 1.0.0 exceptions', async () => {
      const res = await kvp1('request=DescribeProcess&identifier=clip,reproject');
      assertDoc(res, 'wpsDescribeProcess_response');
      assert.deepEqual(xp(res.text, '/wps:ProcessDescriptions/ProcessDescription/ows:Identifier'), ['clip', 'reproject']);
      const clip = '/wps:ProcessDescriptions/ProcessDescription[ows:Identifier="clip"]';
      assert.deepEqual(xp(res.text, `${clip}/@storeSupported`), ['true']);
      assert.deepEqual(xp(res.text, `${clip}/DataInputs/Input[ows:Identifier="image"]/ComplexData/Default/Format/MimeType`), ['image/tiff; application=geotiff']);
      assert.deepEqual(xp(res.text, `${clip}/DataInputs/Input[ows:Identifier="image"]/ComplexData/Supported/Format/Encoding`), ['base64']);
      assert.deepEqual(xp(res.text, `${clip}/DataInputs/Input[ows:Identifier="bbox"]/BoundingBoxData/Default/CRS`), ['http://www.opengis.net/def/crs/OGC/1.3/CRS84']);
      assert.equal(xp(res.text, `${clip}/ProcessOutputs/Output[ows:Identifier="clipped"]/ComplexOutput/Default/Format/MimeType`).length, 1);
      assert.ok(xp(res.text, '//Input/LiteralData/ows:DataType').length > 0, 'reproject has a literal input');
      const xml = await h.post(`<wps:DescribeProcess ${HEAD1}><ows:Identifier>ALL</ows:Identifier></wps:DescribeProcess>`);
      assertDoc(xml, 'wpsDescribeProcess_response');
      assert.ok(xp(xml.text, '//ProcessDescription/ows:Identifier').includes('ndvi'));
      assert.equal(assertException1(await kvp1('request=DescribeProcess&identifier=nothing'), 400, 'InvalidParameterValue'), 'Identifier');
      assert.equal(assertException1(await kvp1('request=DescribeProcess'), 400, 'MissingParameterValue'), 'identifier');
    });

    it('Execute XML, synchronous: outputs inline (base64) and by reference, lineage, raw data', async () => {
      const inline = await h.post(execute1('clip', clipInputs()), 'alice');
      assertDoc(inline, 'wpsExecute_response');
      assert.equal(xp(inline.text, '/wps:ExecuteResponse/wps:Status/wps:ProcessSucceeded').length, 1);
      assert.deepEqual(xp(inline.text, '/wps:ExecuteResponse/@statusLocation'), []);
      const [b64] = xp(inline.text, '//wps:ProcessOutputs/wps:Output[ows:Identifier="clipped"]/wps:Data/wps:ComplexData[@encoding="base64"]');
      assert.ok(isTiff(Buffer.from(b64!, 'base64')));

      const form = '<wps:ResponseForm><wps:ResponseDocument lineage="true"><wps:Output asReference="true"><ows:Identifier>clipped</ows:Identifier></wps:Output></wps:ResponseDocument></wps:ResponseForm>';
      const byRef = await h.post(execute1('clip', clipInputs(), form), 'alice');
      assertDoc(byRef, 'wpsExecute_response');
      const [href] = xp(byRef.text, '//wps:ProcessOutputs/wps:Output/wps:Reference/@href');
      const file = await h.request('GET', href!, { as: 'alice' });
      assert.equal(file.status, 200);
      assert.ok(isTiff(file.bytes));
      assert.deepEqual(xp(byRef.text, '/wps:ExecuteResponse/wps:DataInputs/wps:Input/ows:Identifier'), ['image', 'bbox']);
      assert.deepEqual(xp(byRef.text, '/wps:ExecuteResponse/wps:DataInputs/wps:Input[ows:Identifier="image"]/wps:Reference/@xlink:href'), [SCENE]);
      assert.deepEqual(xp(byRef.text, '/wps:ExecuteResponse/wps:OutputDefinitions/wps:Output/@asReference'), ['true']);
      // The same area given lon/lat with the short EPSG:4326 gives the same raster size as the lat/lon URN.
      const shortCrs = await h.post(execute1('clip', clipInputs('<wps:BoundingBoxData crs="EPSG:4326"><ows:LowerCorner>10.2 49.2</ows:LowerCorner><ows:UpperCorner>10.6 49.6</ows:UpperCorner></wps:BoundingBoxData>'), '<wps:ResponseForm><wps:RawDataOutput><ows:Identifier>clipped</ows:Identifier></wps:RawDataOutput></wps:ResponseForm>'), 'alice');
      assert.equal(shortCrs.status, 200);
      assert.match(shortCrs.headers.get('content-type') ?? '', /image\/tiff/);
      assert.deepEqual(shortCrs.bytes.length, file.bytes.length);
    });

    it('Execute KVP: DataInputs syntax, RawDataOutput, ResponseDocument with asReference and lineage', async () => {
      const data = `DataInputs=image=@xlink:href=${encodeURIComponent(SCENE)};bbox=10.2,49.2,10.6,49.6,EPSG:4326`;
      const raw = await kvp1(`request=Execute&identifier=clip&${data}&RawDataOutput=clipped`, 'alice');
      assert.equal(raw.status, 200, raw.text);
      assert.ok(isTiff(raw.bytes));
      const doc = await kvp1(`request=Execute&identifier=clip&${data}&ResponseDocument=clipped@asReference=true&lineage=true`, 'alice');
      assertDoc(doc, 'wpsExecute_response');
      assert.equal(xp(doc.text, '//wps:ProcessOutputs/wps:Output/wps:Reference/@href').length, 1);
      assert.deepEqual(xp(doc.text, '/wps:ExecuteResponse/wps:DataInputs/wps:Input[ows:Identifier="bbox"]/wps:Data/wps:BoundingBoxData/ows:LowerCorner'), ['10.2 49.2']);
      // Errors in the 1.0.0 codes.
      assert.equal(assertException1(await kvp1(`request=Execute&identifier=clip&${data};colour=red`, 'alice'), 400, 'InvalidParameterValue'), 'colour');
      assert.equal(assertException1(await kvp1(`request=Execute&identifier=clip&DataInputs=image=@href=${encodeURIComponent(SCENE)}`, 'alice'), 400, 'MissingParameterValue'), 'bbox');
      assert.equal(assertException1(await kvp1(`request=Execute&identifier=clip&DataInputs=image=@href=${encodeURIComponent(SCENE)};bbox=1,2,x`, 'alice'), 400, 'InvalidParameterValue'), 'bbox');
      assert.equal(assertException1(await kvp1(`request=Execute&identifier=clip&${data}&status=true`, 'alice'), 400, 'InvalidParameterValue'), 'status');
      assert.equal(assertException1(await kvp1(`request=Execute&identifier=clip&${data}&RawDataOutput=nope`, 'alice'), 400, 'InvalidParameterValue'), 'nope');
      assert.equal(assertException1(await kvp1(`request=Execute&identifier=nothing`, 'alice'), 400, 'InvalidParameterValue'), 'Identifier');
      assert.equal(assertException1(await kvp1('request=Execute', 'alice'), 400, 'MissingParameterValue'), 'Identifier');
      assertException1(await h.post(`<wps:Execute ${HEAD1}><unclosed>`, 'alice'), 400, 'InvalidParameterValue');
      assertException1(await kvp1(`request=Execute&identifier=clip&${data}`), 401, 'NoApplicableCode');
    });

    it('Execute stored (async): statusLocation followed to ProcessSucceeded; not readable by another user; a failed job is ProcessFailed', async () => {
      const deployed = await h.post(deployXml(`<wps:Data mimeType="application/cwl+yaml"><![CDATA[${fixture('sleeper.cwl').replace('id: sleeper', 'id: wps1-sleeper')}]]></wps:Data>`), 'alice');
      assert.equal(deployed.status, 200, deployed.text);
      const form = '<wps:ResponseForm><wps:ResponseDocument storeExecuteResponse="true" status="true"><wps:Output asReference="true"><ows:Identifier>note</ows:Identifier></wps:Output></wps:ResponseDocument></wps:ResponseForm>';
      const inputs = '<wps:DataInputs><wps:Input><ows:Identifier>seconds</ows:Identifier><wps:Data><wps:LiteralData>1.5</wps:LiteralData></wps:Data></wps:Input></wps:DataInputs>';
      const started = await h.post(execute1('wps1-sleeper', inputs, form), 'alice');
      assertDoc(started, 'wpsExecute_response');
      const [location] = xp(started.text, '/wps:ExecuteResponse/@statusLocation');
      assert.ok(location);
      assert.equal(xp(started.text, '/wps:ExecuteResponse/wps:Status/wps:ProcessAccepted | /wps:ExecuteResponse/wps:Status/wps:ProcessStarted').length, 1);
      const seen: string[] = [];
      let last: ApiResponse;
      for (const deadline = Date.now() + 90_000; ; ) {
        last = await h.request('GET', location!, { as: 'alice' });
        assertDoc(last, 'wpsExecute_response');
        const state = ['ProcessAccepted', 'ProcessStarted', 'ProcessSucceeded', 'ProcessFailed'].find((s) => xp(last.text, `/wps:ExecuteResponse/wps:Status/wps:${s}`).length > 0)!;
        seen.push(state);
        if (state === 'ProcessSucceeded' || state === 'ProcessFailed') break;
        assert.ok(Date.now() < deadline, seen.join());
        await new Promise((r) => setTimeout(r, 150));
      }
      assert.equal(seen.at(-1), 'ProcessSucceeded', last.text);
      assert.ok(seen.includes('ProcessStarted') || seen.includes('ProcessAccepted'), seen.join());
      const [note] = xp(last.text, '//wps:ProcessOutputs/wps:Output[ows:Identifier="note"]/wps:Reference/@href');
      const text = await h.request('GET', note!, { as: 'alice' });
      assert.match(text.text, /sleeping/);
      // Another user's job: not found, in the 1.0.0 format.
      assertException1(await h.request('GET', location!, { as: 'bob' }), 404, 'InvalidParameterValue');

      const failing = await h.post(deployXml(`<wps:Data mimeType="application/cwl+yaml">${fixture('failing.cwl').replace('id: wps-failing', 'id: wps1-failing')}</wps:Data>`), 'alice');
      assert.equal(failing.status, 200, failing.text);
      const failed = await h.post(execute1('wps1-failing', ''), 'alice');
      assertDoc(failed, 'wpsExecute_response');
      assert.deepEqual(xp(failed.text, '//wps:Status/wps:ProcessFailed/ows:ExceptionReport/ows:Exception/@exceptionCode'), ['NoApplicableCode']);
    });

    it('OWSLib WebProcessingService 1.0.0: getcapabilities, describeprocess, execute sync and async (checkStatus, monitorExecution), getOutput', async () => {
      const out = mkdtempSync(join(tmpdir(), 'wps1-owslib-'));
      // Asynchronously: the server runs in this process.
      const { stdout: text } = await promisify(execFile)('/usr/bin/python3', [OWSLIB_SCRIPT, h.wps, h.keys.alice, SCENE, '10.2,49.2,10.6,49.6', out], { encoding: 'utf8', timeout: 200_000 });
      const r = JSON.parse(text.trim().split('\n').at(-1)!);
      assert.equal(r.caps.version, '1.0.0');
      assert.equal(r.caps.type, 'WPS');
      assert.ok(r.caps.processes.includes('clip'), r.caps.processes);
      assert.deepEqual(r.caps.operations, ['GetCapabilities', 'DescribeProcess', 'Execute']);
      assert.equal(r.describe.identifier, 'clip');
      assert.equal(r.describe.storeSupported, true);
      assert.equal(r.describe.inputs.image.dataType, 'ComplexData');
      assert.ok(r.describe.inputs.image.formats.includes('image/tiff; application=geotiff'), JSON.stringify(r.describe.inputs.image));
      assert.equal(r.describe.inputs.bbox.dataType, 'BoundingBoxData');
      assert.equal(r.describe.outputs.clipped.dataType, 'ComplexData');
      assert.equal(r.sync.status, 'ProcessSucceeded', JSON.stringify(r.sync));
      assert.match(r.sync.refs[0], /\/wps\/jobs\/[^/]+\/files\/clipped\//);
      assert.equal(r.async.first === 'ProcessAccepted' || r.async.first === 'ProcessStarted', true, JSON.stringify(r.async));
      assert.match(r.async.statusLocation, /\/wps\/jobs\/[^/]+\/execute-response$/);
      assert.equal(r.async.final, 'ProcessSucceeded');
      assert.equal(r.async.percent, 100);
      assert.deepEqual(r.async.lineage, ['image', 'bbox']);
      assert.equal(r.monitored, 'ProcessSucceeded');
      assert.match(r.error, /no-such-process|InvalidParameterValue/);
      for (const f of ['sync.tif', 'async.tif', 'monitored.tif']) assert.ok(isTiff(readFileSync(join(out, f))), f);
    });
  });
}

describe('wps 1.0.0 exception codes of the WPS 2.0 ones (05-007r7 tables 38 and 62)', () => {
  it('SizeExceeded is FileSizeExceeded, InternalServerError NoApplicableCode (500), the others without a 1.0.0 code InvalidParameterValue; locators kept', () => {
    const as1 = (code: string, locator?: string, status = 400) => {
      const e = toWps1Error(new OwsException(code, 'x', { locator, status })) as OwsException;
      return [e.code, e.locator, e.status];
    };
    assert.deepEqual(as1('SizeExceeded', 'image'), ['FileSizeExceeded', 'image', 400]);
    assert.deepEqual(as1('InternalServerError', undefined, 500), ['NoApplicableCode', undefined, 500]);
    for (const code of ['DataNotAccessible', 'WrongInputData', 'NoSuchFormat', 'NoSuchInput', 'TooManyInputs', 'DuplicatedProcess']) assert.deepEqual(as1(code, 'image'), ['InvalidParameterValue', 'image', 400], code);
    assert.deepEqual(as1('NoSuchProcess', 'nothing'), ['InvalidParameterValue', 'Identifier', 400]);
    assert.deepEqual(as1('MissingParameterValue', 'bbox'), ['MissingParameterValue', 'bbox', 400]);
  });
});

/**
 * An ESRI Shapefile: the .shp (shapes) and .dbf (attributes) read side by side, record by record;
 * the .prj gives the CRS (prj.ts), the .cpg the attribute encoding. Sibling files are found
 * whatever the case of their extension. Deleted dBASE records are skipped, as GDAL does.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { SourceField, SourceLayer, SourceRow, VectorSource } from '../types.js';
import { cpgEncoding, DbfError, ldidEncoding, readDbfHeader, readDbfRecord, textDecoder, type DbfHeader } from './dbf.js';
import { SequentialFile } from './file-reader.js';
import { crsFromPrj } from './prj.js';
import { layerGeometryType, readShape, readShpHeader, shapeTypeName } from './shp.js';

export interface ShapefileOptions {
  /** A TextDecoder label overriding the .cpg and the dBASE header. */
  encoding?: string;
}

/** The files of the shapefile whose .shp (or any member) is at `path`, by lower-case extension. */
async function siblings(path: string): Promise<Record<string, string>> {
  const dir = dirname(path);
  const stem = basename(path, extname(path));
  const out: Record<string, string> = {};
  for (const name of await readdir(dir)) {
    const ext = extname(name);
    if (basename(name, ext) === stem) out[ext.toLowerCase()] = join(dir, name);
  }
  return out;
}

export async function openShapefile(path: string, options: ShapefileOptions = {}): Promise<VectorSource> {
  const files = await siblings(path);
  const shpPath = files['.shp'];
  if (!shpPath) throw new Error(`No .shp file beside ${path}`);
  const warnings: string[] = [];
  const name = basename(shpPath, extname(shpPath));

  let crs: string | undefined;
  let crsDescription: string | undefined;
  if (files['.prj']) {
    const prj = (await readFile(files['.prj'], 'utf8')).trim();
    crs = crsFromPrj(prj);
    if (!crs) crsDescription = prj;
  }

  const shp = await SequentialFile.open(shpPath);
  let dbf: SequentialFile | undefined;
  try {
    const header = readShpHeader(await shp.read(100));
    let table: DbfHeader | undefined;
    let decode = textDecoder(undefined);
    if (files['.dbf']) {
      dbf = await SequentialFile.open(files['.dbf']);
      const head = Buffer.from(await dbf.read(32));
      const headerBytes = head.length >= 10 ? head.readUInt16LE(8) : 0;
      table = readDbfHeader(head, Buffer.from(await dbf.read(Math.max(0, headerBytes - 32))));
      let encoding = options.encoding;
      if (!encoding && files['.cpg']) {
        const cpg = await readFile(files['.cpg'], 'latin1');
        encoding = cpgEncoding(cpg);
        if (!encoding) warnings.push(`The .cpg names an unknown encoding (${cpg.trim()}): text read as UTF-8 where valid, else Windows-1252`);
      }
      encoding ??= ldidEncoding(table.languageDriver);
      decode = textDecoder(encoding);
      for (const f of table.fields) if (!f.type) warnings.push(`Field ${f.name} (dBASE type ${f.kind}) is not imported`);
    } else warnings.push('No .dbf file: the features have no attributes');

    const fields: SourceField[] = (table?.fields ?? []).filter((f) => f.type).map((f) => ({ name: f.name, type: f.type! }));
    const shpBytes = Math.min(header.fileBytes || shp.size, shp.size);
    const layer: SourceLayer = {
      name,
      crs,
      crsDescription,
      geometryType: layerGeometryType(header.shapeType),
      fields,
      count: table?.records,
      warnings,
      fraction: () => (shpBytes ? Math.min(1, shp.position / shpBytes) : undefined),
      rows: () => rows(shp, shpBytes, dbf, table, decode, header.shapeType),
    };
    return {
      format: 'shapefile',
      layers: [layer],
      close: async () => {
        await shp.close();
        await dbf?.close();
      },
    };
  } catch (err) {
    await shp.close();
    await dbf?.close();
    throw err;
  }
}

async function* rows(shp: SequentialFile, shpBytes: number, dbf: SequentialFile | undefined, table: DbfHeader | undefined, decode: (b: Buffer) => string, layerType: number): AsyncGenerator<SourceRow> {
  let row = 0;
  for (;;) {
    if (shp.position + 8 > shpBytes) break;
    const head = await shp.read(8);
    if (head.length < 8) break;
    const contentBytes = head.readInt32BE(4) * 2;
    row++;
    const out: SourceRow = { row, geometry: null, properties: {} };
    const content = await shp.read(contentBytes);
    if (content.length < contentBytes) out.error = `the .shp file ends inside record ${row}`;
    else {
      try {
        out.geometry = readShape(content);
        const type = content.readInt32LE(0);
        if (type !== 0 && type !== layerType) out.error = `a ${shapeTypeName(type)} shape in a ${shapeTypeName(layerType)} file`;
      } catch (err) {
        out.error = (err as Error).message;
      }
    }
    if (dbf && table && row <= table.records) {
      const record = await dbf.read(table.recordBytes);
      if (record.length < table.recordBytes) out.error ??= `the .dbf file ends inside record ${row}`;
      else {
        try {
          const values = readDbfRecord(record, table.fields, decode);
          if (values === undefined) continue; // deleted
          out.properties = values;
        } catch (err) {
          if (!(err instanceof DbfError)) throw err;
          out.error ??= err.message;
        }
      }
    } else if (table && row > table.records) out.error ??= `record ${row} has no attributes: the .dbf holds ${table.records} records`;
    if (out.error) out.geometry = null;
    yield out;
    if (content.length < contentBytes) break;
  }
}

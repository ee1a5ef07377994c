/** TIFF 6.0, BigTIFF, GeoTIFF 1.1 and GDAL codes the encoder writes. */

/** Field types (TIFF 6.0 section 2, BigTIFF's LONG8) and their byte sizes. */
export const FieldType = {
  BYTE: 1,
  ASCII: 2,
  SHORT: 3,
  LONG: 4,
  DOUBLE: 12,
  LONG8: 16,
} as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];

export const FIELD_TYPE_SIZE: Record<FieldType, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 12: 8, 16: 8 };

export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  PhotometricInterpretation: 262,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  ExtraSamples: 338,
  SampleFormat: 339,
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  ModelTransformation: 34264,
  GeoKeyDirectory: 34735,
  GeoDoubleParams: 34736,
  GeoAsciiParams: 34737,
  GdalMetadata: 42112,
  GdalNodata: 42113,
} as const;

export const Compression = { none: 1, lzw: 5, deflate: 8, packbits: 32773 } as const;
export const Predictor = { none: 1, horizontal: 2, floatingpoint: 3 } as const;
/** Mask (4): a 1-bit transparency mask, which GDAL reads as the dataset's mask band. */
export const Photometric = { MinIsBlack: 1, RGB: 2, Mask: 4 } as const;
/** NewSubfileType bit 0: a reduced-resolution version of another image in the file. */
export const SUBFILE_REDUCED_RESOLUTION = 1;
/** NewSubfileType bit 2: a transparency mask for another image in the file. */
export const SUBFILE_MASK = 4;
export const SampleFormatCode = { uint: 1, int: 2, float: 3 } as const;

/** GeoTIFF 1.1 keys (OGC 19-008r4, section 7.5) and values. */
export const GeoKey = {
  GTModelType: 1024,
  GTRasterType: 1025,
  GeographicType: 2048,
  ProjectedCSType: 3072,
} as const;
export const ModelType = { projected: 1, geographic: 2 } as const;
export const RASTER_PIXEL_IS_AREA = 1;

import { MeridianError } from '../../errors.js';

/** A key (or prefix) that is empty, too long, or could address something outside the store. */
export class InvalidBlobKey extends MeridianError {
  readonly key: string;
  constructor(key: string, reason: string) {
    super(400, `Invalid blob key ${JSON.stringify(key)}: ${reason}`, { code: 'InvalidBlobKey' });
    this.name = 'InvalidBlobKey';
    this.key = key;
  }
}

/** A body whose MD5 is not PutOptions.expectMd5: nothing was stored. */
export class BlobDigestMismatch extends MeridianError {
  constructor(key: string) {
    super(400, `The MD5 of the body of blob ${JSON.stringify(key)} is not the one expected`, { code: 'BadDigest' });
    this.name = 'BlobDigestMismatch';
  }
}

export class BlobNotFound extends MeridianError {
  readonly key: string;
  constructor(key: string) {
    super(404, `No blob with key ${JSON.stringify(key)}`, { code: 'BlobNotFound' });
    this.name = 'BlobNotFound';
    this.key = key;
  }
}

/** A byte range the object cannot satisfy (or a malformed one): HTTP 416. */
export class InvalidRange extends MeridianError {
  /** Size of the object, when known, for a `Content-Range: bytes * /size` header. */
  readonly size?: number;
  constructor(message: string, size?: number) {
    super(416, message, {
      code: 'InvalidRange',
      headers: size === undefined ? {} : { 'Content-Range': `bytes */${size}` },
    });
    this.name = 'InvalidRange';
    this.size = size;
  }
}

/** The fs store cannot hold both `a/b` and `a/b/c`: one would have to be a file and a folder. */
export class BlobKeyConflict extends MeridianError {
  constructor(key: string) {
    super(409, `Blob key ${JSON.stringify(key)} conflicts with an existing key that is a prefix folder of it, or under it`, {
      code: 'BlobKeyConflict',
    });
    this.name = 'BlobKeyConflict';
  }
}

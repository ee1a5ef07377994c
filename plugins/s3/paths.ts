/** Path of the access-key admin API on the S3 listener: '_' cannot start a bucket name, so no bucket hides it. */
export const ADMIN_PATH = '/_meridian/keys';

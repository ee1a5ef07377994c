/**
 * Users' workspaces in the blob store: each user's files live under one prefix,
 * `workspaces/<user>/`. Several plugins meet there (processing stages job results out to
 * `<prefix>jobs/<id>/`, the s3 plugin serves the prefix as the user's workspace bucket), so the
 * rule from a user id to the prefix is kept here, once.
 */

export const WORKSPACES_ROOT = 'workspaces/';

/** A user id (or any name) as one blob key segment: characters outside [A-Za-z0-9._@-] become '_'. */
export function workspaceSegment(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9._@-]/g, '_');
  return clean === '.' || clean === '..' || clean === '' ? '_' : clean;
}

/** The blob key prefix of a user's workspace: `workspaces/<user>/`. */
export function workspacePrefix(user: string): string {
  return `${WORKSPACES_ROOT}${workspaceSegment(user)}/`;
}

/** The workspace segment of a blob key in a workspace (`workspaces/<user>/...`), if it is in one. */
export function workspaceOfKey(key: string): string | undefined {
  const m = /^workspaces\/([^/]+)\//.exec(key);
  return m ? m[1] : undefined;
}

/**
 * Whether this process was started with a Node or V8 flag (on its command line or in
 * NODE_OPTIONS), in either spelling (`--max-semi-space-size`, `--max_semi_space_size`): a
 * default Meridian sets for its own processes gives way to the operator's.
 */
export function nodeFlagGiven(flag: string): boolean {
  const wanted = spelling(flag);
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => spelling(arg.split('=')[0]!) === wanted);
}

const spelling = (flag: string): string => flag.replace(/_/g, '-');

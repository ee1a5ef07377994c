/** The conformance classes the ADES implements (OGC API Processes Part 1 1.0 and Part 2 DRU). */
const PART1 = 'http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf';
const PART2 = 'http://www.opengis.net/spec/ogcapi-processes-2/1.0/conf';

export function conformanceClasses(options: { deploy: boolean }): string[] {
  return [
    `${PART1}/core`,
    `${PART1}/ogc-process-description`,
    `${PART1}/json`,
    `${PART1}/job-list`,
    `${PART1}/callback`,
    `${PART1}/dismiss`,
    ...(options.deploy ? [`${PART2}/deploy-replace-undeploy`, `${PART2}/ogcapppkg`, `${PART2}/cwl`] : []),
  ];
}

/**
 * Problem types per error code: those OGC API Processes defines (Part 1 §7.x exceptions, Part 2
 * DRU exceptions). Other errors are `about:blank` with their HTTP status as title.
 */
export const PROBLEM_TYPES: Record<string, string> = {
  NoSuchProcess: 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-process',
  NoSuchJob: 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-job',
  ResultNotReady: 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/result-not-ready',
  DuplicateProcess: 'http://www.opengis.net/def/exceptions/ogcapi-processes-2/1.0/duplicated-process',
  ImmutableProcess: 'http://www.opengis.net/def/exceptions/ogcapi-processes-2/1.0/immutable-process',
};

/**
 * Conformance classes of WPS 2.0 served here: the five of OGC 14-065r2 (WPS 2.0.2) clause 2
 * table 1 ("Conformance classes related to WPS 2.0"), and the transactional extension's.
 */
const WPS20 = 'http://www.opengis.net/spec/WPS/2.0';

export const WPS_CORE_CONFORMANCE = [
  `${WPS20}/conf/service/synchronous-wps`,
  `${WPS20}/conf/service/asynchronous-wps`,
  `${WPS20}/conf/service/profile/basic-wps`,
  `${WPS20}/conf/service/dismiss-extension`,
  `${WPS20}/conf/process-model-encoding`,
];

/** WPS-T (OGC 18-036r1) with the OGC 20-089 application package (CWL, or an OWS Context holding one). */
export const WPST_CONFORMANCE = ['http://www.opengis.net/spec/wps-t/1.0/conf/deploy-undeploy', 'http://www.opengis.net/profiles/eoc/applicationPackage'];

export function WPS_CONFORMANCE(transactions: boolean): string[] {
  return transactions ? [...WPS_CORE_CONFORMANCE, ...WPST_CONFORMANCE] : [...WPS_CORE_CONFORMANCE];
}

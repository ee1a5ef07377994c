/** The `pdp` service other plugins get through `requires: ['pdp']` (or optionalRequires). */
import type { AuthorizationRequest, Decision } from '../../core/auth/types.js';
import type { Ownership } from './ownership/ownership.js';
import type { PolicyAdministration } from './pap/administration.js';
import type { AttributeFinder, XacmlRequest, XacmlResponse } from './xacml/index.js';

export interface PdpService {
  /** The domain of core decisions and /pdp/decision. */
  readonly defaultDomain: string;
  /**
   * Adds a policy information point: asked for attributes a request lacks and a policy names
   * (e.g. `urn:meridian:subject:attribute:remaining-credit`). Restrict it with `category` and
   * `attributeId` so it is asked only about its own; every domain's PDP is remade with it.
   */
  registerAttributeFinder(finder: AttributeFinder): void;
  /** Evaluates a XACML request context against a domain's policies. */
  evaluate(request: XacmlRequest, domain?: string): Promise<XacmlResponse>;
  /** A core authorization request, decided as the `xacml` decision point decides it. */
  decide(request: AuthorizationRequest, domain?: string): Promise<Decision>;
  /** Policy administration (what the PAP API and `meridian pdp policy` use). */
  readonly policies: PolicyAdministration;
  /** Resource owners and shares. */
  readonly ownership: Ownership;
}

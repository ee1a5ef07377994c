/** A Policy or PolicySet compiled from its XML once. */
export interface CompiledPolicyDocument {
  readonly id: string;
  readonly version: string;
  readonly kind: 'Policy' | 'PolicySet';
}

export function compilePolicyDocument(xml: string): CompiledPolicyDocument {
  void xml;
  throw new Error('compilePolicyDocument: not yet implemented');
}

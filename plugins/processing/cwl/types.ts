/** The subset of the CWL model (v1.0 to v1.2) the engine reads, after normalisation. */

/** A CWL type after normalisation: unions are lists, `File?` is ['null', 'File'], `File[]` an array type. */
export type CwlType =
  | string
  | CwlType[]
  | { type: 'array'; items: CwlType }
  | { type: 'enum'; symbols: string[]; name?: string }
  | { type: 'record'; fields: CwlParameter[]; name?: string };

export interface CwlParameter {
  /** The short id (the part after the last '/' or '#'). */
  id: string;
  type: CwlType;
  label?: string;
  doc?: string;
  default?: unknown;
  /** A format IRI (expanded through $namespaces) or an expression. */
  format?: string | string[];
  outputSource?: string | string[];
}

export interface CwlProcess {
  id: string;
  class: 'CommandLineTool' | 'Workflow' | 'ExpressionTool';
  label?: string;
  doc?: string;
  inputs: CwlParameter[];
  outputs: CwlParameter[];
  /** Where in the document this process is ('$graph[1]', or '' at the top). */
  path: string;
  raw: Record<string, unknown>;
}

/** A parsed, validated package: the document as JSON, and its entry process. */
export interface CwlPackage {
  cwlVersion: string;
  /** The whole document as JSON (what cwltool is given). */
  document: Record<string, unknown>;
  main: CwlProcess;
  /** Every process of the document (the main one included). */
  processes: CwlProcess[];
  /** `s:version` / `s:softwareVersion` of the document, when given. */
  version?: string;
  keywords?: string[];
}

/** One problem found in a package: where (a JSON-path-like location) and what. */
export interface CwlIssue {
  path: string;
  message: string;
}

/**
 * A small Dockerfile reader for the manifest tests: instructions per build stage, with line
 * continuations joined and comments dropped, and the exec/shell forms of CMD-like arguments.
 */

export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

export interface DockerStage {
  /** Image of the FROM line, with build args left as written. */
  from: string;
  name?: string;
  instructions: DockerInstruction[];
}

export interface Dockerfile {
  /** ARG lines before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: DockerStage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: DockerStage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let current = lines[i]!.trim();
    if (current === '' || current.startsWith('#')) continue;
    // A trailing backslash continues the instruction; comment lines inside it are dropped.
    while (current.endsWith('\\') && i + 1 < lines.length) {
      current = current.slice(0, -1);
      i++;
      const next = lines[i]!.trim();
      if (!next.startsWith('#')) current += ` ${next}`;
    }
    const match = /^(\S+)\s*(.*)$/s.exec(current)!;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (keyword === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`line ${startLine}: cannot read FROM ${args}`);
      stages.push({ from: from[1]!, name: from[2], instructions: [] });
      continue;
    }
    if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`line ${startLine}: ${keyword} before the first FROM`);
      const [name, value = ''] = args.split('=', 2);
      globalArgs[name!] = value;
      continue;
    }
    stages.at(-1)!.instructions.push({ keyword, args, line: startLine });
  }
  return { globalArgs, stages };
}

/** FROM with `${ARG}` replaced by the global ARG defaults. */
export function resolvedFrom(file: Dockerfile, stage: DockerStage): string {
  return stage.from.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => file.globalArgs[name] ?? '');
}

/** The argument vector of an exec-form (JSON) or shell-form instruction. */
export function commandVector(args: string): string[] {
  if (args.startsWith('[')) {
    const parsed = JSON.parse(args) as unknown;
    if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not a JSON list of strings: ${args}`);
    return parsed;
  }
  return ['/bin/sh', '-c', args];
}

/** `ENV A=1 B="two words"` (and the legacy `ENV A value`) as a map. */
export function envOf(args: string): Record<string, string> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [name, ...rest] = args.split(/\s+/);
    return { [name!]: rest.join(' ') };
  }
  const env: Record<string, string> = {};
  for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const raw = m[2]!;
    env[m[1]!] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return env;
}

/** HEALTHCHECK options (`--interval=30s`) and the command after CMD. */
export function healthcheckOf(args: string): { options: Record<string, string>; command: string[] } {
  const m = /^((?:--[a-z-]+=\S+\s+)*)CMD\s+(.*)$/s.exec(args);
  if (!m) throw new Error(`HEALTHCHECK without CMD: ${args}`);
  const options = Object.fromEntries([...m[1]!.matchAll(/--([a-z-]+)=(\S+)/g)].map((o) => [o[1]!, o[2]!]));
  return { options, command: commandVector(m[2]!.trim()) };
}

export function instructions(stage: DockerStage, keyword: string): DockerInstruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** The last instruction of a kind in a stage (the one that counts for CMD, USER, WORKDIR...). */
export function lastInstruction(stage: DockerStage, keyword: string): DockerInstruction | undefined {
  return instructions(stage, keyword).at(-1);
}

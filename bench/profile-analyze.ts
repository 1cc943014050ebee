/**
 * Where the CPU time of a benchmark target goes, from a V8 CPU profile: each sample is charged
 * to the first frame, from the leaf up, that a rule below recognizes (a native SQLite call, JSON,
 * garbage collection, or the package or folder of the code). Idle samples are left out.
 */
import { readFileSync } from 'node:fs';

/** The parts a request's CPU time is split into (docs/performance.md). */
export const PARTS = ['SQL', 'LDAP', 'execution', 'type-graphql', 'resolvers', 'Apollo pipeline', 'parse/validate', 'JSON', 'HTTP', 'GC', 'other'] as const;
export type Part = (typeof PARTS)[number];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const SQL_NATIVE = new Set(['all', 'get', 'run', 'iterate', 'prepare', 'pluck', 'exec', 'bind']);

function partOfFrame(frame: ProfileNode['callFrame'], isLeaf: boolean): Part | null {
  const { functionName: f, url } = frame;
  if (f === '(garbage collector)') return 'GC';
  if (url === '') {
    if (isLeaf && SQL_NATIVE.has(f)) return 'SQL';
    if (isLeaf && (f === 'stringify' || f === 'parse')) return 'JSON';
    if (isLeaf && (f === 'writev' || f === 'writeUtf8String' || f === 'writeBuffer' || f === 'onStreamRead' || f === 'parserOnHeadersComplete' || f === 'execute')) return 'HTTP';
    return null;
  }
  if (/node_modules\/ldapts|adapters\/(ldap|list-index)\//.test(url)) return 'LDAP';
  if (/better-sqlite3|adapters\/(sqlite|postgres|sql)\/|sqlite-connection|node_modules\/(pg|pg-protocol|pg-pool)\//.test(url)) return 'SQL';
  // The floor's own code building its answer is what the service's resolvers do.
  if (/floor-(server|shapes)/.test(url)) return 'resolvers';
  if (/graphql-jit|node_modules\/graphql\/execution|node_modules\/dataloader|graphql\/jsutils/.test(url)) return 'execution';
  if (/node_modules\/graphql\/(validation|language|utilities)/.test(url)) return 'parse/validate';
  if (/type-graphql/.test(url)) return 'type-graphql';
  if (/@apollo\//.test(url)) return 'Apollo pipeline';
  if (/node:_http|node:net|node:stream|node:internal\/(streams|http|stream_base|net)|dist\/src\/http\//.test(url)) return 'HTTP';
  // The service's own code: resolvers, the registry merging sources' pages, domain and services.
  if (/dist\/src\/(graphql|registry|sources|domain|services)\//.test(url)) return 'resolvers';
  return null;
}

/** Busy time per part in ms, and the busy total, of one profile file. */
export function analyzeProfile(file: string): { busyMs: number; byPart: Record<Part, number> } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, Part | 'idle'>();
  const partOf = (id: number): Part | 'idle' => {
    const hit = memo.get(id);
    if (hit) return hit;
    const leaf = byId.get(id)!;
    let part: Part | 'idle' = 'other';
    if (leaf.callFrame.functionName === '(idle)') part = 'idle';
    else {
      for (let cur: number | undefined = id, first = true; cur !== undefined; cur = parent.get(cur), first = false) {
        const p = partOfFrame(byId.get(cur)!.callFrame, first);
        if (p) {
          part = p;
          break;
        }
      }
    }
    memo.set(id, part);
    return part;
  };
  const byPart = Object.fromEntries(PARTS.map((p) => [p, 0])) as Record<Part, number>;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const part = partOf(id);
    if (part === 'idle') return;
    byPart[part] += ms;
    busy += ms;
  });
  return { busyMs: busy, byPart };
}

/** `node dist/bench/profile-analyze.js FILE...`: the share of each part in each profile. */
if (require.main === module) {
  console.log(`| profile | busy ms | ${PARTS.join(' | ')} |`);
  console.log(`|---|---:|${PARTS.map(() => '---:').join('|')}|`);
  for (const file of process.argv.slice(2)) {
    const { busyMs, byPart } = analyzeProfile(file);
    console.log(`| ${file.replace(/.*\//, '')} | ${busyMs.toFixed(0)} | ${PARTS.map((p) => `${Math.round((byPart[p] / busyMs) * 100)} %`).join(' | ')} |`);
  }
}

import type { LabState } from '../cluster/types';
import { parseIptablesArgs, renderIptablesSave, runIptables as runOnTables, formatCtime } from '../iptables';
import type { TableName } from '../iptables';
import type { DecidedEvent } from '../model/commands';
import { cloneNetfilter } from './clone';
import { countTracedPackets, type CountedPacket } from './count-packet';
import { nodeTables } from './node-tables';

export interface IptablesRun {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** IptablesChanged when the command changed the tables; none for reads and failures. */
  events: DecidedEvent[];
}

const READS = new Set(['list', 'list-rules']);

function isRead(args: readonly string[]): boolean {
  try {
    return READS.has(parseIptablesArgs(args).op);
  } catch {
    return false;
  }
}

/** The node's tables with the traced packets counted (a copy), or the shared ones when nothing was traced there. */
function countedTables(state: LabState, node: string, time: number, traced: readonly CountedPacket[]) {
  const tables = nodeTables(state, node, time);
  if (!traced.some((packet) => packet.node === node)) return tables;
  const copy = cloneNetfilter(tables);
  countTracedPackets(copy, node, traced);
  return copy;
}

/**
 * `iptables <argv>` on a node at `time`: iptables' own stdout, stderr and exit code, and the event to
 * append when the command changed the tables (the shell renders the output as is). `traced`: the
 * packets traces sent through the lab's rules (TraceResult.traversed), counted by `-vnL`/`-S -v`.
 */
export function runNodeIptables(state: LabState, node: string, argv: readonly string[], time = state.time, traced: readonly CountedPacket[] = []): IptablesRun {
  const read = isRead(argv);
  const tables = read ? countedTables(state, node, time, traced) : nodeTables(state, node, time);
  const result = runOnTables(read ? tables : cloneNetfilter(tables), argv);
  const events: DecidedEvent[] = !read && result.exitCode === 0 ? [{ type: 'IptablesChanged', data: { node, args: [...argv] } }] : [];
  return { ...result, events };
}

export interface IptablesSaveOptions {
  table?: TableName;
  time?: number;
  /** Wall-clock ms of the lab's creation: the header's date is this plus `time` (ctime in UTC). */
  epochMs?: number;
  traced?: readonly CountedPacket[];
  /** `-c`: each rule's packet and byte counters. */
  counters?: boolean;
}

/** `iptables-save [-t table] [-c]` on a node. */
export function nodeIptablesSave(state: LabState, node: string, options: IptablesSaveOptions = {}): string {
  const time = options.time ?? state.time;
  const tables = countedTables(state, node, time, options.traced ?? []);
  return renderIptablesSave(tables, formatCtime((options.epochMs ?? 0) + time), options.table, options.counters ?? false);
}

import type { FdbEntry, NetNamespace } from '../../netns/types';
import { failed, printed, type ViewOutput } from '../output';

export interface BridgeFdbOptions {
  /** `bridge fdb show dev X`: only X's entries, without the `dev X` token. */
  dev?: string;
  /** `bridge fdb show br B`: the bridge's own entries and its ports'. */
  br?: string;
}

/** `bridge fdb show` (iproute2 bridge/fdb.c): tokens end with a space, the state word does not. */
export function bridgeFdb(ns: NetNamespace, options: BridgeFdbOptions = {}): ViewOutput {
  for (const name of [options.dev, options.br]) {
    if (name !== undefined && !ns.interfaces.some((iface) => iface.name === name)) {
      return failed(`Cannot find device "${name}"\n`, 255);
    }
  }
  const onBridge = new Set(ns.interfaces.filter((i) => i.name === options.br || i.master === options.br).map((i) => i.name));
  const entries = ns.fdb.filter(
    (e) => (options.dev === undefined || e.dev === options.dev) && (options.br === undefined || onBridge.has(e.dev)),
  );
  return printed(entries.map((e) => fdbLine(e, options.dev === undefined)).join(''));
}

function fdbLine(e: FdbEntry, withDev: boolean): string {
  return (
    `${e.mac} ` +
    (withDev ? `dev ${e.dev} ` : '') +
    (e.dst ? `dst ${e.dst} ` : '') +
    (e.self ? 'self ' : '') +
    (e.master ? `master ${e.master} ` : '') +
    `${e.state}\n`
  );
}

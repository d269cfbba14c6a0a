import { formatCtime } from '../iptables';

/** Go's time.RFC1123Z in UTC, as kubectl describe prints times: "Sun, 22 Nov 2026 09:02:58 +0000". */
export function rfc1123z(epochMs: number): string {
  const [weekday, month, day, time, year] = formatCtime(epochMs).split(/ +/);
  return `${weekday}, ${day.padStart(2, '0')} ${month} ${year} ${time} +0000`;
}

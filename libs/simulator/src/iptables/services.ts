/** The few /etc/services and /etc/networks names iptables -L (without -n) shows on a Debian node. */
const TCP_SERVICES: Record<number, string> = {
  20: 'ftp-data', 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 53: 'domain', 80: 'http', 110: 'pop3',
  123: 'ntp', 143: 'imap2', 179: 'bgp', 443: 'https', 993: 'imaps', 995: 'pop3s', 2379: 'etcd-client',
  3306: 'mysql', 5432: 'postgresql', 6379: 'redis',
};
const UDP_SERVICES: Record<number, string> = { 53: 'domain', 67: 'bootps', 68: 'bootpc', 123: 'ntp', 443: 'https' };

export function serviceName(port: number, protocol: string): string | undefined {
  if (protocol === 'tcp') return TCP_SERVICES[port];
  if (protocol === 'udp') return UDP_SERVICES[port];
  return undefined;
}

const NETWORKS: Record<string, string> = { '127.0.0.0': 'loopback', '169.254.0.0': 'link-local' };
const HOSTS: Record<string, string> = { '127.0.0.1': 'localhost' };

/** What getnetbyaddr/gethostbyaddr would answer on a node with no DNS for cluster addresses. */
export function addressName(address: string, prefix: number): string {
  if (prefix === 32) return HOSTS[address] ?? address;
  return NETWORKS[address] ?? address;
}

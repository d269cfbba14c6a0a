import type { PodState } from '@hoplab/simulator';

/**
 * What `kubectl logs` shows for the images labs use: a plausible start-up, timestamped from the
 * pod's start (`started` is its RFC 3339 creation time). Images that log nothing give "".
 */
export function podLog(pod: PodState, container: string, started: string): string {
  const image = pod.containers.find((c) => c.name === container)?.image ?? '';
  const repository = image.replace(/[:@].*$/, '').split('/').pop() ?? '';
  const at = started.replace('T', ' ').replace('Z', '.000 UTC');
  const slash = started.replace(/-/g, '/').replace('T', ' ').replace('Z', '');
  switch (repository) {
    case 'postgres':
      return [
        'The files belonging to this database system will be owned by user "postgres".',
        'This user must also own the server process.',
        '',
        'The database cluster will be initialized with locale "en_US.utf8".',
        'The default database encoding has accordingly been set to "UTF8".',
        'The default text search configuration will be set to "english".',
        '',
        'Data page checksums are disabled.',
        '',
        'fixing permissions on existing directory /var/lib/postgresql/data ... ok',
        'creating subdirectories ... ok',
        'selecting dynamic shared memory implementation ... posix',
        'selecting default max_connections ... 100',
        'selecting default shared_buffers ... 128MB',
        'selecting default time zone ... Etc/UTC',
        'creating configuration files ... ok',
        'running bootstrap script ... ok',
        'performing post-bootstrap initialization ... ok',
        'syncing data to disk ... ok',
        '',
        '',
        'Success. You can now start the database server using:',
        '',
        '    pg_ctl -D /var/lib/postgresql/data -l logfile start',
        '',
        'initdb: warning: enabling "trust" authentication for local connections',
        'initdb: hint: You can change this by editing pg_hba.conf or using the option -A, or --auth-local and --auth-host, the next time you run initdb.',
        'waiting for server to start....' + `${at} [48] LOG:  starting PostgreSQL 17.2 (Debian 17.2-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit`,
        `${at} [48] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"`,
        `${at} [51] LOG:  database system was shut down at ${at}`,
        `${at} [48] LOG:  database system is ready to accept connections`,
        ' done',
        'server started',
        '',
        '/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*',
        '',
        'waiting for server to shut down....' + `${at} [48] LOG:  received fast shutdown request`,
        `${at} [48] LOG:  database system is shut down`,
        ' done',
        'server stopped',
        '',
        'PostgreSQL init process complete; ready for start up.',
        '',
        `${at} [1] LOG:  starting PostgreSQL 17.2 (Debian 17.2-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit`,
        `${at} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432`,
        `${at} [1] LOG:  listening on IPv6 address "::", port 5432`,
        `${at} [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"`,
        `${at} [1] LOG:  database system is ready to accept connections`,
        '',
      ].join('\n');
    case 'nginx':
      return [
        '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
        '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
        '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
        '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
        '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
        '/docker-entrypoint.sh: Configuration complete; ready for start up',
        `${slash} [notice] 1#1: using the "epoll" event method`,
        `${slash} [notice] 1#1: nginx/1.27.3`,
        `${slash} [notice] 1#1: OS: Linux`,
        `${slash} [notice] 1#1: start worker processes`,
        '',
      ].join('\n');
    default:
      return '';
  }
}

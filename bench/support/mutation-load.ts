// The autocannon client of bench/lab-api.bench.ts, in its own process (child_process.fork) so that the
// load generator does not share an event loop with the server it measures. Driven over IPC:
//   { url, headers, connections, durationSeconds } -> { result: autocannon's result }
// Each request applies a new Pod manifest (p0, p1, ...): one single mutation per request.
import autocannon from 'autocannon';

interface LoadCommand {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

process.once('message', (command: LoadCommand) => {
  let counter = 0;
  void autocannon({
    url: command.url,
    method: 'POST',
    headers: command.headers,
    connections: command.connections,
    duration: command.durationSeconds,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${counter++}` }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }),
        }),
      },
    ],
  }).then((result) => process.send?.({ result }, () => process.disconnect()));
});

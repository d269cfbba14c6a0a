export type { CommandOutput } from './command-output';
export { renderPing, type PingOptions } from './ping';
export { renderTelnet, renderNcZv, renderCurl } from './tcp-clients';
export { renderTraceroute } from './traceroute';
export { renderTracepath, type TracepathOptions } from './tracepath';
export { renderHubbleObserve } from './hubble-observe';

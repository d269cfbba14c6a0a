export * from './types';
export { trace } from './trace';
export { labConnectivity, type ConnectivityRequest } from './connectivity';
export { NEIGHBOUR_FRESH_MS } from './neighbour-cache';
export { podListeners, nodeListeners, type Listener } from './listeners';
export { renderPing, renderTelnet, renderNcZv, renderCurl, renderTraceroute, renderTracepath, renderHubbleObserve, type CommandOutput, type TracepathOptions } from './render';

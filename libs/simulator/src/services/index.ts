export * from './types';
export { validateService, type ServiceInput, type ServicePortInput, type ServiceIssue } from './validate';
export { serviceEndpoints, resolveTargetPort, isReadyEndpoint, APISERVER_PORT, type PortEndpoints, type EndpointAddress } from './endpoints';
export { NODE_PORT_RANGE } from './allocate';
export {
  endpointSlices, serviceEndpointSlices, formatSlicePorts, formatSliceEndpoints, MAX_ENDPOINTS_PER_SLICE,
  type EndpointSliceView, type EndpointSlicePort, type EndpointSliceEndpoint,
} from './endpoint-slices';

import { z } from 'zod';

/** Field schemas shared by the event definitions. */
export const ip = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}$/);
export const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/);
export const mac = z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
export const name = z.string().min(1).max(253);
export const stringMap = z.record(z.string(), z.string());

/** What every CNI ADD decides for a pod, whatever the plugin: which pod, its container, address, gateway and MAC. */
export const podAttachmentFields = {
  namespace: name,
  name,
  node: name,
  containerId: z.string(),
  /** The pod's address with its prefix: the node range's (bridge plugins), /32 (calico, cilium) or the flat /12 (weave). */
  address: cidr,
  gateway: ip,
  mac,
};

/** The metadata every namespaced object the lab creates records: where, what, its uid and labels. */
export const objectMetaFields = {
  namespace: name,
  name,
  uid: z.string(),
  labels: stringMap,
};

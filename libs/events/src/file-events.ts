import { z } from 'zod';
import { labEvents } from './lab-events';

/** Longest file the lab's file store keeps (manifests and notes, not binaries). */
export const MAX_LAB_FILE_BYTES = 256 * 1024;

/**
 * A file uploaded to the lab's file store (`POST /api/labs/:lab/files`), read by `kubectl apply -f <name>`
 * and `cat <name>` on the workstation. Storing a name again replaces the content: the history keeps both.
 */
export const FileStored = labEvents.define({
  type: 'FileStored',
  version: 1,
  schema: z
    .object({
      name: z.string().min(1).max(255),
      content: z.string().max(MAX_LAB_FILE_BYTES),
    })
    .strict(),
});

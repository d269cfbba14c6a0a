import type { z } from 'zod';

export interface EventDefinition<D = unknown> {
  type: string;
  /** Current schema version: new events are written with it, older ones are upcast to it. */
  version: number;
  schema: z.ZodType<D>;
}

/** Turns the data of `type` at schema `fromVersion` into the data of `fromVersion + 1`. */
export type Upcaster = (data: unknown) => unknown;

export interface ValidationIssue {
  path: string;
  message: string;
}

export class EventValidationError extends Error {
  constructor(
    message: string,
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
    this.name = 'EventValidationError';
  }
}

/** Known event types, their schemas and the upcasters from older schema versions. */
export class EventRegistry {
  private readonly definitions = new Map<string, EventDefinition>();
  private readonly upcasters = new Map<string, Upcaster>();

  define<D>(definition: EventDefinition<D>): EventDefinition<D> {
    if (this.definitions.has(definition.type)) {
      throw new Error(`event type ${definition.type} is defined twice`);
    }
    this.definitions.set(definition.type, definition as EventDefinition);
    return definition;
  }

  addUpcaster(type: string, fromVersion: number, upcaster: Upcaster): void {
    this.upcasters.set(`${type}@${fromVersion}`, upcaster);
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  currentVersion(type: string): number {
    return this.definition(type).version;
  }

  /** Checks data against the current schema of its type; returns the parsed (defaulted) data. */
  validate(type: string, data: unknown): unknown {
    const result = this.definition(type).schema.safeParse(data);
    if (!result.success) {
      const issues = result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.'),
        message: issue.message,
      }));
      throw new EventValidationError(`invalid ${type} event: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
    }
    return result.data;
  }

  /** Brings stored data of an older schema version up to the current one. */
  upcast(type: string, version: number, data: unknown): { version: number; data: unknown } {
    const current = this.currentVersion(type);
    if (version > current || version < 1 || !Number.isInteger(version)) {
      throw new EventValidationError(`event ${type} has unknown schema version ${version} (current is ${current})`);
    }
    let upcast = data;
    for (let v = version; v < current; v++) {
      const upcaster = this.upcasters.get(`${type}@${v}`);
      if (!upcaster) throw new EventValidationError(`no upcaster for ${type} from schema version ${v}`);
      upcast = upcaster(upcast);
    }
    return { version: current, data: upcast };
  }

  private definition(type: string): EventDefinition {
    const definition = this.definitions.get(type);
    if (!definition) throw new EventValidationError(`unknown event type ${type}`);
    return definition;
  }
}

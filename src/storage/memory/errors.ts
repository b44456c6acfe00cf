/** An error as the driver reports a server-side one: `MongoServerError` with a numeric `code`. */
export class MemoryServerError extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
  ) {
    super(message);
    this.name = 'MongoServerError';
  }
}

/** E11000, shaped like the driver's, so `isDuplicateKey` and `insertOnce` treat it the same way. */
export class DuplicateKeyError extends MemoryServerError {
  constructor(
    collection: string,
    index: string,
    readonly keyPattern: Record<string, unknown>,
    readonly keyValue: Record<string, unknown>,
  ) {
    const shown = Object.entries(keyValue)
      .map(([field, value]) => `${field}: ${JSON.stringify(value) ?? 'null'}`)
      .join(', ');
    super(
      11000,
      'DuplicateKey',
      `E11000 duplicate key error collection: memory.${collection} index: ${index} dup key: { ${shown} }`,
    );
  }
}

/** Something MongoDB or mongoose can do that this engine does not: refused loudly, never approximated. */
export class UnsupportedOperationError extends Error {
  constructor(what: string) {
    super(`memory database: ${what} is not supported`);
    this.name = 'UnsupportedOperationError';
  }
}

import { ensureFerretdbBinary } from '../storage/engine/ferretdb';

/** `npm run db:build`: builds the embedded FerretDB now instead of on first start. */
ensureFerretdbBinary();

import 'reflect-metadata';
import { loadConfig } from '../config';
import { RebuildService } from '../app/billing/rebuild.service';
import { connectDatabase } from '../storage/database';
import { databaseUri, startEngine } from '../storage/engine/engine';
import { createRepositories } from '../storage/repositories/repositories';
import { embeddedEngineSocket } from '../runtime/private-socket';

/**
 * `npm run rebuild` recomputes every projection from the ledger and reports differences (exit 1 if
 * any); `npm run rebuild -- --fix` also repairs them. Uses the same engine and data as `npm start`
 * (stop it first when it runs on the embedded FerretDB: both would open the same files).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  // As `npm start`: in production the embedded engine is reachable by this user only.
  const socket = embeddedEngineSocket(config);
  const engine = await startEngine({
    mongodbUri: config.mongodbUri,
    ferretdbPostgresqlUrl: config.ferretdbPostgresqlUrl,
    dataDir: config.dataDir,
    ...(socket ? { listen: socket.socketPath } : {}),
  });
  const db = await connectDatabase(databaseUri(engine.uri, config.databaseName));
  // Which data: a wrong setting would otherwise check an empty database and call it clean.
  console.log(`database ${config.databaseName} on ${engine.description}`);
  try {
    const fix = process.argv.includes('--fix');
    const report = await new RebuildService(createRepositories(db)).run(fix);
    console.log(
      `checked ${report.linesChecked} credit lines and ${report.ordersChecked} orders against the ledger`,
    );
    if (report.entriesUnderEarlierRules > 0) {
      console.log(
        `${report.entriesUnderEarlierRules} entries were written under earlier money rules: taken as stored`,
      );
    }
    for (const difference of report.differences) console.log(`  differs: ${difference}`);
    if (report.differences.length === 0) console.log('every projection matches the ledger');
    else if (report.fixed) console.log(`repaired ${report.differences.length} differences`);
    else process.exitCode = 1;
  } finally {
    await db.close();
    await engine.stop();
    socket?.remove();
  }
}

void main();

import type { Command } from 'commander';
import { authMigrations } from '../../auth/index.js';
import { jobMigrations } from '../../jobs/index.js';
import { coreMigrations } from '../../server/core-migrations.js';
import { openDatabase } from '../../storage/db/connect.js';
import { cliLogger, loadOrExit, withCommonOptions, type CommonOptions } from '../common.js';
import { progress } from '../progress.js';

export function migrateCommand(program: Command): void {
  withCommonOptions(program.command('migrate'))
    .description("apply the pending database migrations of the core and every enabled plugin")
    .action(async (options: CommonOptions) => {
      const loaded = await loadOrExit(options);
      const logger = cliLogger(loaded);
      const db = await openDatabase(loaded.config.database);
      try {
        const owners = [
          { owner: 'core', migrations: coreMigrations },
          { owner: 'core-auth', migrations: authMigrations },
          { owner: 'core-jobs', migrations: jobMigrations },
          ...loaded.plugins.map((p) => ({ owner: p.plugin.name, migrations: p.plugin.migrations ?? [] })),
        ].filter((o) => o.migrations.length > 0);
        const bar = progress(owners.length, 'migrating', logger);
        let total = 0;
        for (const { owner, migrations } of owners) {
          const applied = await db.migrate(owner, migrations);
          total += applied.length;
          bar.tick(owner);
          if (applied.length) logger.info({ owner, applied }, 'migrated');
        }
        bar.done();
        process.stdout.write(`${total} migration(s) applied (${db.dialect}${db.postgis ? ' with PostGIS' : ''})\n`);
      } finally {
        await db.close();
      }
    });
}

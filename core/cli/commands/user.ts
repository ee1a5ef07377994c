import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { changeUserGroups, createUser, getUser, listIdentities, listUsers, setUserPassword } from '../../auth/users.js';
import { collect, withAuthDb } from '../auth-commands.js';
import { EXIT, withCommonOptions, type CommonOptions } from '../common.js';

/** The first line of standard input: a password piped in (`echo ... | meridian user passwd NAME`) or typed. */
async function readPassword(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(EXIT.failure);
}

export function userCommand(program: Command): void {
  const user = program.command('user').description('manage local accounts (login at /oidc, HTTP Basic)');
  withCommonOptions(user.command('add'))
    .description('create an account; without --password the password is read from standard input')
    .argument('<name>', 'account name')
    .option('-p, --password <password>', 'password (prefer standard input: the command line is visible to other users)')
    .option('-g, --group <group>', 'group (repeat for several)', collect, [])
    .option('--attribute <key=value>', 'attribute, e.g. email=alice@example.org (repeat for several)', collect, [])
    .action(async (name: string, options: CommonOptions & { password?: string; group: string[]; attribute: string[] }) => {
      const attributes: Record<string, string> = {};
      for (const pair of options.attribute) {
        const eq = pair.indexOf('=');
        if (eq <= 0) fail(`--attribute must be key=value, got '${pair}'`);
        attributes[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const password = options.password ?? (await readPassword('Password: '));
      if (password === '') fail('the password must not be empty');
      const created = await withAuthDb(options, async (db) => {
        if (await getUser(db, name)) fail(`an account named ${name} exists already`);
        return createUser(db, { name, password, groups: options.group, attributes });
      }).catch((err: Error) => fail(err.message));
      process.stdout.write(`created ${created.name}${created.groups.length ? ` (groups: ${created.groups.join(', ')})` : ''}\n`);
    });
  withCommonOptions(user.command('list'))
    .description('list accounts with their groups, attributes and linked external identities (never passwords)')
    .option('--json', 'print JSON')
    .action(async (options: CommonOptions & { json?: boolean }) => {
      const users = await withAuthDb(options, async (db) =>
        Promise.all((await listUsers(db)).map(async (u) => ({ ...u, identities: (await listIdentities(db, u.name)).map(({ issuer, subject }) => ({ issuer, subject })) }))),
      );
      if (options.json) {
        process.stdout.write(`${JSON.stringify(users)}\n`);
        return;
      }
      for (const u of users) {
        const linked = u.identities.map((i) => `${i.issuer}#${i.subject}`).join(' ');
        process.stdout.write(`${u.name}\tgroups: ${u.groups.join(',') || '-'}${linked ? `\tlinked: ${linked}` : ''}\n`);
      }
    });
  withCommonOptions(user.command('passwd'))
    .description("set an account's password, read from standard input unless --password is given")
    .argument('<name>', 'account name')
    .option('-p, --password <password>', 'the new password')
    .action(async (name: string, options: CommonOptions & { password?: string }) => {
      const password = options.password ?? (await readPassword('New password: '));
      if (password === '') fail('the password must not be empty');
      const changed = await withAuthDb(options, (db) => setUserPassword(db, name, password));
      if (!changed) fail(`no account named ${name}`);
      process.stdout.write(`password of ${name} changed\n`);
    });
  withCommonOptions(user.command('group'))
    .description('add an account to groups or remove it from them')
    .argument('<name>', 'account name')
    .option('--add <group>', 'group to add (repeat for several)', collect, [])
    .option('--remove <group>', 'group to remove (repeat for several)', collect, [])
    .action(async (name: string, options: CommonOptions & { add: string[]; remove: string[] }) => {
      if (!options.add.length && !options.remove.length) fail('give --add and/or --remove');
      const groups = await withAuthDb(options, (db) => changeUserGroups(db, name, { add: options.add, remove: options.remove }));
      if (!groups) fail(`no account named ${name}`);
      process.stdout.write(`${name}\tgroups: ${groups.join(',') || '-'}\n`);
    });
}

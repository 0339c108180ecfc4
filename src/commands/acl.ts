/**
 * ACL commands (users, secrets and permissions: native/core/acl.h): their
 * typed methods' signatures and their one definition each. An embedded
 * Engine keeps users but checks none (it runs as no user); emberkv-server
 * checks every call against the user it authenticated as.
 */
import type { Argument } from '../engine.js';
import type { Definitions, Result, ResultMode, Sync } from './define.js';
import { asReplied, toNumber } from './replies.js';

export interface AclCommands<M extends ResultMode> {
  /**
   * ACL SETUSER: creates the user if needed and applies Redis's rules in
   * order (`on`, `>secret`, `~pattern`, `%R~pattern`, `&channel`, `+@read`,
   * `-flushall`, `reset`, ...); all or nothing (a bad rule throws, naming it).
   */
  aclSetUser(name: string, ...rules: string[]): Result<M, 'OK'>;
  /** ACL DELUSER: how many of the users existed (the default user cannot be deleted). */
  aclDelUser(...names: string[]): Result<M, number>;
  /** ACL LIST: each user as an ACL file line (secrets as their hashes). */
  aclList(): Result<M, string[]>;
  /** ACL USERS: the user names, sorted. */
  aclUsers(): Result<M, string[]>;
  /** ACL GETUSER: flags, passwords (hashes), commands, keys, channels as a flat array; null if unknown. */
  aclGetUser(name: string): Result<M, unknown[] | null>;
  /** ACL WHOAMI: the user running this command ("default" in an Engine). */
  aclWhoAmI(): Result<M, string>;
  /** ACL CAT: the categories, or the commands of one. */
  aclCat(category?: string): Result<M, string[]>;
  /** ACL DRYRUN: 'OK' if the user may run the command, else the NOPERM text (nothing runs). */
  aclDryRun(user: string, command: string, ...args: Argument[]): Result<M, string>;
  /** ACL GENPASS: a random secret of `bits` bits (default 256), as hex. */
  aclGenPass(bits?: number): Result<M, string>;
  /** ACL SAVE: writes every user to the ACL file (server --aclfile). */
  aclSave(): Result<M, 'OK'>;
  /** ACL LOAD: replaces every user with the ACL file's, all or nothing. */
  aclLoad(): Result<M, 'OK'>;
}

export const aclCommands: Definitions<AclCommands<Sync>> = {
  aclSetUser: { command: 'acl', args: (name, ...rules) => ['SETUSER', name, ...rules], reply: asReplied },
  aclDelUser: { command: 'acl', args: (...names) => ['DELUSER', ...names], reply: toNumber },
  aclList: { command: 'acl', args: () => ['LIST'], reply: asReplied },
  aclUsers: { command: 'acl', args: () => ['USERS'], reply: asReplied },
  aclGetUser: { command: 'acl', args: (name) => ['GETUSER', name], reply: asReplied },
  aclWhoAmI: { command: 'acl', args: () => ['WHOAMI'], reply: asReplied },
  aclCat: { command: 'acl', args: (category) => (category === undefined ? ['CAT'] : ['CAT', category]), reply: asReplied },
  aclDryRun: { command: 'acl', args: (user, command, ...args) => ['DRYRUN', user, command, ...args], reply: asReplied },
  aclGenPass: { command: 'acl', args: (bits) => (bits === undefined ? ['GENPASS'] : ['GENPASS', bits]), reply: asReplied },
  aclSave: { command: 'acl', args: () => ['SAVE'], reply: asReplied },
  aclLoad: { command: 'acl', args: () => ['LOAD'], reply: asReplied },
};

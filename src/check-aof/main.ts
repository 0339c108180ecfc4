#!/usr/bin/env node
/**
 * emberkv-check-aof: checks the files of an append-only log (or any
 * snapshot file) and, with --fix, cuts a damaged tail off the log's last
 * incr file, as Redis 7's redis-check-aof does for a multi-part AOF.
 *
 *   emberkv-check-aof appendonlydir/appendonly.aof.manifest   every file of the log
 *   emberkv-check-aof --fix appendonlydir/appendonly.aof.3.incr.aof
 *
 * The validation itself is native (addon.checkAppendOnlyFile and
 * checkSnapshotFile: the rules of native/core/aof_record.h and snapshot.h,
 * the same code the loader runs); this file decides what a file is, which
 * problems --fix may repair, and what to tell the user.
 *
 * Invariants: nothing is written without --fix; --fix only ever shortens
 * the LAST incr file of a log (every other file holds data that later
 * records were written on top of), and only when the log has no damage
 * it cannot repair, so a fix never loses data for nothing.
 */
import { constants as bufferConstants } from 'node:buffer';
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { addon } from '../native.js';

export const USAGE = `Usage: emberkv-check-aof [--fix] FILE

Checks the files of an emberkv append-only log (<dir>/appendonlydir/), or a
snapshot file, and reports for each file whether it is intact.

FILE is one of:
  *.manifest      the log's manifest: every file it lists (in the manifest's
                  directory) is checked, in order
  *.incr.aof      an incr file (the records of writes)
  *.base.emb      a base file, or any snapshot (*.emb)
What a file is is told by its first bytes, not only by its name.

Options:
  --fix           cut the log's last incr file at the end of its last good
                  record: drops an incomplete last record (a crash while
                  writing) or everything from the first damaged record on.
                  The file is cut AT ONCE, without asking: copy it first if
                  you may want the dropped bytes, and stop the server (or
                  close the Engine) that uses the log.
                  Only the last incr file can be fixed: the records of later
                  files were written on top of the earlier files' data, so
                  damage in a base file or in an earlier incr file cannot be
                  cut away (restore those from a backup).
  -h, --help      show this text

A server (or Engine) drops an incomplete last record by itself when it loads
the log, with a warning; any other damage stops it from starting.

Exit status: 0 every file is intact (or was fixed); 1 a problem was found and
not fixed (a file the manifest lists that does not exist included); 2 a usage
error, or a file that cannot be read.
`;

const SHORT_USAGE = 'Usage: emberkv-check-aof [--fix] FILE   (--help for more)\n';

/** An incr file's first 12 bytes (native/core/aof_record.h, format version 1). */
const AOF_MAGIC = Buffer.from('EMBERAOF', 'latin1');
const AOF_HEADER = Buffer.concat([AOF_MAGIC, Buffer.from([1, 0, 0, 0])]);
/** A snapshot's magic (native/core/snapshot.h). */
const SNAPSHOT_MAGIC = Buffer.from('EMBERSNP', 'latin1');

export type FileKind = 'incr' | 'snapshot' | 'manifest';

/** What the checker found in one file. */
export interface FileReport {
  /** The path as shown (FILE, or a manifest's directory joined with a listed name). */
  path: string;
  /** 'base': a snapshot a manifest lists as its base. */
  kind: 'incr' | 'base' | 'snapshot' | 'manifest';
  outcome: 'ok' | 'truncated' | 'corrupt' | 'missing' | 'unreadable';
  size: number;
  /** incr: good records (before the end or the damage). */
  records: number;
  /** snapshot / base: keys in the image (when ok). */
  keys: number;
  /** manifest: files it lists. */
  files: number;
  /** incr: offset just past the last good record. */
  goodEnd: number;
  /** Where the problem starts. */
  errorOffset: number;
  /** What is wrong, without the offset. */
  why: string;
  /** The problem may be cut off by --fix (the last incr file of its log). */
  fixable: boolean;
  /** Set when the problem is not fixable: why not. */
  notFixable: string;
  /** Set when --fix changed the file. */
  fixed: { keptBytes: number; keptRecords: number; droppedBytes: number; rewroteHeader: boolean } | null;
}

export interface CheckResult {
  reports: FileReport[];
  /** What the command prints on stdout, one entry per line. */
  lines: string[];
  /** 0 all ok or fixed, 1 a problem left, 2 a file could not be read. */
  exitCode: 0 | 1 | 2;
  /** Messages for stderr (files that could not be read). */
  errors: string[];
}

/** A file (FILE itself) that cannot be read or is no emberkv file: exit 2. */
export class UnreadableFileError extends Error {}

interface ManifestEntry {
  name: string;
  seq: string;
  base: boolean;
}

/** A manifest's text parsed by the loader's own rules (AofManifest::parse). */
export function parseManifest(text: string): { files: ManifestEntry[] } | { error: string } {
  return addon.parseAofManifest(text);
}

/** Whether `bytes` starts with `prefix` (or is a non-empty start of it, for a file cut short). */
function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}

/**
 * What `bytes` (the content of `name`) is: by its magic, or a manifest by
 * its text; only a file that is neither falls back on its name (an incr
 * file whose header is damaged or cut short is still checked as one).
 */
export function detectKind(bytes: Buffer, name: string): FileKind | null {
  if (startsWith(bytes, AOF_MAGIC)) return 'incr';
  if (startsWith(bytes, SNAPSHOT_MAGIC)) return 'snapshot';
  if (bytes.subarray(0, 5).toString('latin1') === 'file ') return 'manifest';
  if (name.endsWith('.manifest')) return 'manifest';
  if (name.endsWith('.aof')) return 'incr';
  if (name.endsWith('.emb')) return 'snapshot';
  // A file cut inside the incr header (created just before a crash).
  if (bytes.length > 0 && bytes.length < AOF_HEADER.length && AOF_HEADER.subarray(0, bytes.length).equals(bytes)) return 'incr';
  return null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function emptyReport(file: string, kind: FileReport['kind'], size: number): FileReport {
  return {
    path: file,
    kind,
    outcome: 'ok',
    size,
    records: 0,
    keys: 0,
    files: 0,
    goodEnd: 0,
    errorOffset: 0,
    why: '',
    fixable: false,
    notFixable: '',
    fixed: null,
  };
}

/** Checks an incr file's bytes (aof_record.h's rules). */
function checkIncr(file: string, bytes: Buffer): FileReport {
  const report = emptyReport(file, 'incr', bytes.length);
  const scan = addon.checkAppendOnlyFile(bytes);
  report.outcome = scan.outcome;
  report.records = scan.records;
  report.goodEnd = scan.goodEnd;
  report.errorOffset = scan.errorOffset;
  // "truncated at offset N: what" / "corrupt at offset N: what"
  report.why = scan.error.replace(/^(truncated|corrupt) at offset \d+: /, '');
  return report;
}

/** Checks a snapshot image (a base file or a dump) by loading it into a scratch store. */
function checkSnapshot(file: string, bytes: Buffer, kind: 'base' | 'snapshot'): FileReport {
  const report = emptyReport(file, kind, bytes.length);
  const loaded = addon.checkSnapshotFile(bytes);
  if (loaded.ok) {
    report.keys = loaded.keys;
    return report;
  }
  // snapshot.cc's errors read "<what> at offset N[: detail]".
  report.errorOffset = loaded.errorOffset;
  const at = ` at offset ${loaded.errorOffset}`;
  const i = loaded.error.indexOf(at);
  const what = i < 0 ? loaded.error : loaded.error.slice(0, i);
  const detail = i < 0 ? '' : loaded.error.slice(i + at.length).replace(/^: /, '');
  report.outcome = what === 'truncated' ? 'truncated' : 'corrupt';
  report.why = what === 'truncated' ? detail || 'the file ends early' : detail ? `${what}: ${detail}` : what;
  return report;
}

function describe(report: FileReport): string {
  const kind = report.kind === 'base' ? 'base file (a snapshot)' : report.kind === 'snapshot' ? 'snapshot' : 'incr file';
  switch (report.outcome) {
    case 'ok':
      if (report.kind === 'manifest') return `${report.path}: ok: manifest listing ${plural(report.files, 'file')}`;
      if (report.kind === 'incr') {
        return `${report.path}: ok: ${kind}, ${plural(report.records, 'record')}, ${plural(report.size, 'byte')}`;
      }
      return `${report.path}: ok: ${kind}, ${plural(report.keys, 'key')}, ${plural(report.size, 'byte')}`;
    case 'missing':
      return `${report.path}: missing: ${report.why}`;
    case 'unreadable':
      return `${report.path}: cannot be read: ${report.why}`;
    default:
      break;
  }
  if (report.kind === 'manifest') return `${report.path}: corrupt manifest: ${report.why}`;
  const problem = `${report.path}: ${report.outcome} at offset ${report.errorOffset}: ${report.why}`;
  if (report.kind !== 'incr') {
    return `${problem}; ${report.kind === 'base' ? 'base file' : 'snapshot'} of ${plural(report.size, 'byte')}, which loads whole or not at all`;
  }
  const after = report.size - report.goodEnd;
  return (
    `${problem}; ${plural(report.records, 'good record')} before it, ending at offset ${report.goodEnd}; ` +
    `${after} of ${plural(report.size, 'byte')} after that`
  );
}

/** The manifests in `dir` (not a temp-* one being written) that list `name`. */
function manifestsListing(dir: string, name: string): { manifest: string; files: ManifestEntry[] }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const found = [];
  for (const entry of names) {
    if (!entry.endsWith('.manifest') || entry.startsWith('temp-')) continue;
    let text: string;
    try {
      text = readFileSync(path.join(dir, entry), 'utf8');
    } catch {
      continue;
    }
    const parsed = parseManifest(text);
    if ('files' in parsed && parsed.files.some((f) => f.name === name)) found.push({ manifest: path.join(dir, entry), files: parsed.files });
  }
  return found;
}

/** Sets `fixable` / `notFixable` of a problem in an incr file at `position` in its log. */
function judgeIncr(report: FileReport, last: boolean, later: string[]): void {
  if (report.outcome === 'ok') return;
  if (!last) {
    report.notFixable =
      `only the last incr file of a log can be fixed, and ${later.join(', ')} ${later.length === 1 ? 'comes' : 'come'} after it: ` +
      `${later.length === 1 ? 'its' : 'their'} records were written on top of this file's data, so cutting records out of this ` +
      `file would replay them on the wrong data${report.outcome === 'truncated' ? ' (and only the last file may end in an incomplete record)' : ''}. ` +
      'Restore the log from a backup';
    return;
  }
  if (report.outcome === 'corrupt' && report.goodEnd < AOF_HEADER.length) {
    report.notFixable =
      'the file header is damaged (not an emberkv incr file, or another format version): ' +
      '--fix only cuts damaged records off the end of an incr file';
    return;
  }
  report.fixable = true;
}

function judgeSnapshot(report: FileReport): void {
  if (report.outcome === 'ok') return;
  report.notFixable =
    report.kind === 'base'
      ? 'a base file is the data every incr file of the log applies to: their records were written on top of it, and ' +
        'a snapshot cannot be cut short (it loads whole or not at all). Restore it from a backup'
      : 'a snapshot loads whole or not at all: it cannot be cut short. Restore it from a backup';
}

/**
 * Cuts an incr file at the end of its last good record (or, cut inside its
 * header, writes the header again), fsyncs it, and checks it again.
 */
function fixIncr(report: FileReport): void {
  const fd = openSync(report.path, 'r+');
  const rewriteHeader = report.goodEnd < AOF_HEADER.length;
  try {
    if (rewriteHeader) {
      ftruncateSync(fd, 0);
      writeSync(fd, AOF_HEADER, 0, AOF_HEADER.length, 0);
    } else {
      ftruncateSync(fd, report.goodEnd);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const keptBytes = rewriteHeader ? AOF_HEADER.length : report.goodEnd;
  report.fixed = {
    keptBytes,
    keptRecords: report.records,
    droppedBytes: report.size - (rewriteHeader ? 0 : report.goodEnd),
    rewroteHeader: rewriteHeader,
  };
  const again = addon.checkAppendOnlyFile(readWhole(report.path));
  if (again.outcome !== 'ok' || again.records !== report.records) {
    throw new Error(`emberkv-check-aof: ${report.path} is still damaged after the fix: ${again.error}`);
  }
}

/**
 * The whole content of `file`. Not readFileSync: it stops at 2 GiB, and a
 * log's files may be larger (a Buffer holds up to 4 GiB here).
 */
function readWhole(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > bufferConstants.MAX_LENGTH) {
      throw new Error(`${size} bytes is more than this checker can hold in memory (${bufferConstants.MAX_LENGTH})`);
    }
    const bytes = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, bytes, got, Math.min(size - got, 1 << 30), got);
      if (n === 0) break;
      got += n;
    }
    return bytes.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function readOrThrow(file: string): Buffer {
  try {
    if (statSync(file).isDirectory()) {
      throw new UnreadableFileError(
        `${file} is a directory: give the log's manifest (e.g. ${path.join(file, 'appendonly.aof.manifest')}) or one of its files`,
      );
    }
    return readWhole(file);
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    throw new UnreadableFileError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/**
 * Checks FILE (and, for a manifest, every file it lists) and, with `fix`,
 * repairs what may be repaired. Throws UnreadableFileError when FILE
 * cannot be read or is no emberkv file.
 */
export function checkAof(file: string, options: { fix?: boolean } = {}): CheckResult {
  const bytes = readOrThrow(file);
  const kind = detectKind(bytes, path.basename(file));
  if (kind === null) {
    throw new UnreadableFileError(
      `${file} is not an emberkv file: neither an incr file (EMBERAOF), a snapshot (EMBERSNP) nor a manifest`,
    );
  }
  const reports: FileReport[] = [];
  const errors: string[] = [];
  if (kind === 'manifest') {
    const manifest = emptyReport(file, 'manifest', bytes.length);
    reports.push(manifest);
    const parsed = parseManifest(bytes.toString('utf8'));
    if ('error' in parsed) {
      manifest.outcome = 'corrupt';
      manifest.why = parsed.error;
      manifest.notFixable = 'a manifest is not fixed by --fix: restore it from a backup, or write it again from the files in its directory';
    } else {
      manifest.files = parsed.files.length;
      const dir = path.dirname(file);
      parsed.files.forEach((entry, i) => {
        const listed = path.join(dir, entry.name);
        let content: Buffer;
        try {
          content = readWhole(listed);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const report = emptyReport(listed, entry.base ? 'base' : 'incr', 0);
          report.outcome = code === 'ENOENT' ? 'missing' : 'unreadable';
          report.why = code === 'ENOENT' ? `${path.basename(file)} lists it, but there is no such file` : (err as Error).message;
          report.notFixable =
            report.outcome === 'missing'
              ? 'a file of the log is gone: restore it from a backup'
              : 'it cannot be read (permissions? an I/O error?)';
          if (report.outcome === 'unreadable') errors.push(`emberkv-check-aof: cannot read ${listed}: ${report.why}`);
          reports.push(report);
          return;
        }
        if (entry.base) {
          const report = checkSnapshot(listed, content, 'base');
          judgeSnapshot(report);
          reports.push(report);
        } else {
          const report = checkIncr(listed, content);
          judgeIncr(report, i === parsed.files.length - 1, parsed.files.slice(i + 1).map((f) => f.name));
          reports.push(report);
        }
      });
    }
  } else {
    // A file on its own: its place in a log, if a manifest next to it lists it.
    const listing = manifestsListing(path.dirname(file), path.basename(file));
    const entry = listing[0]?.files.find((f) => f.name === path.basename(file));
    const later = listing[0] ? listing[0].files.slice(listing[0].files.indexOf(entry!) + 1).map((f) => f.name) : [];
    if (kind === 'snapshot') {
      const report = checkSnapshot(file, bytes, entry?.base ? 'base' : 'snapshot');
      judgeSnapshot(report);
      reports.push(report);
    } else {
      const report = checkIncr(file, bytes);
      judgeIncr(report, later.length === 0, later);
      reports.push(report);
    }
  }

  const problems = reports.filter((r) => r.outcome !== 'ok');
  const unfixable = problems.filter((r) => !r.fixable);
  if (options.fix && unfixable.length === 0) {
    for (const report of problems) {
      try {
        fixIncr(report);
      } catch (error) {
        errors.push(`emberkv-check-aof: cannot fix ${report.path}: ${(error as Error).message}`);
      }
    }
  }

  const lines: string[] = [];
  for (const report of reports) {
    lines.push(describe(report));
    if (report.outcome === 'ok') continue;
    if (report.fixed) {
      const f = report.fixed;
      lines.push(
        f.rewroteHeader
          ? `  fixed: the file was cut inside its header; wrote the ${AOF_HEADER.length}-byte header again ` +
              `(no records kept, ${plural(f.droppedBytes, 'byte')} dropped)`
          : `  fixed: cut at offset ${f.keptBytes}: kept ${plural(f.keptRecords, 'record')} (${plural(f.keptBytes, 'byte')}), ` +
              `dropped ${plural(f.droppedBytes, 'byte')}`,
      );
    } else if (report.fixable) {
      const cut =
        report.goodEnd < AOF_HEADER.length
          ? `writes its ${AOF_HEADER.length}-byte header again (it holds no record)`
          : `cuts the file at offset ${report.goodEnd} (keeps ${plural(report.records, 'record')}, drops ${plural(report.size - report.goodEnd, 'byte')}` +
            `${report.outcome === 'corrupt' ? ': the damaged record and everything after it' : ''})`;
      if (unfixable.length) {
        lines.push(
          `  not fixable now: --fix could cut this file, but it changes nothing while the log has damage it cannot repair ` +
            '(see the other files): cutting this one would not make the log loadable',
        );
      } else if (report.outcome === 'truncated') {
        lines.push(
          `  fixable: the last record is incomplete (a crash while writing?); a server or Engine drops it by itself when ` +
            `it loads the log, or --fix ${cut} now`,
        );
      } else {
        lines.push(`  fixable: --fix ${cut}; until then a server or Engine refuses to load the log`);
      }
    } else {
      lines.push(`  not fixable: ${report.notFixable}`);
    }
  }

  const remaining = problems.filter((r) => !r.fixed);
  const exitCode = errors.length ? 2 : remaining.length ? 1 : 0;
  return { reports, lines, exitCode, errors };
}

/** The command: parses `argv`, prints, returns the exit code. */
export function run(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): number {
  let fix = false;
  const files: string[] = [];
  let options = true;
  for (const arg of argv) {
    if (options && arg === '--') {
      options = false;
    } else if (options && (arg === '-h' || arg === '--help')) {
      out(USAGE);
      return 0;
    } else if (options && arg === '--fix') {
      fix = true;
    } else if (options && arg.startsWith('-') && arg !== '-') {
      err(`emberkv-check-aof: unknown option '${arg}'\n${SHORT_USAGE}`);
      return 2;
    } else {
      files.push(arg);
    }
  }
  if (files.length !== 1) {
    err(`emberkv-check-aof: ${files.length ? 'give one FILE' : 'no FILE given'}\n${SHORT_USAGE}`);
    return 2;
  }
  let result: CheckResult;
  try {
    result = checkAof(files[0]!, { fix });
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    err(`emberkv-check-aof: ${error.message}\n`);
    return 2;
  }
  out(result.lines.map((line) => `${line}\n`).join(''));
  for (const message of result.errors) err(`${message}\n`);
  return result.exitCode;
}

if (require.main === module) {
  process.exitCode = run(
    process.argv.slice(2),
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
  );
}

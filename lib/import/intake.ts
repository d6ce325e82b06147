import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../apple/clock.js';
import type { RetryPolicy } from '../apple/retry-policy.js';
import { UsageError } from '../errors.js';
import { githubFailure } from '../github/github-settings.js';
import type { GithubClient } from '../github/github-client.js';
import type { Repo } from '../github/issues.js';
import { importKey } from './import-key.js';
import type { ImportRequest } from './import-request.js';
import { exitCodeOf } from './import-result.js';
import { InterruptGuard } from './interrupt-guard.js';
import { SecretWriter } from './secret-writer.js';
import { keyVersionId } from '../model/key-version.js';
import { loadProject } from '../records/load-project.js';
import { APPLE_ID, SLUG } from '../records/patterns.js';
import { requirePlatform } from '../records/require-platform.js';
import { isReferenceProblem, parseSecretReference } from '../secrets/reference.js';
import { openSealedWithRing, type OpenedSealedKey } from '../sealing/sealed-source.js';
import { SealingError } from '../sealing/sealing-error.js';
import { SealingKeySecret } from '../sealing/sealing-key-secret.js';
import type { SealingKeyRing } from '../sealing/sealing-keyring.js';
import { findSealedBlocks } from './intake-blocks.js';
import { notForIntake, parseIntakeEvent } from '../requests/intake-event.js';
import { IntakeGithub, type PullRequestRef } from '../requests/intake-github.js';
import {
  duplicateComment,
  pullBody,
  pullFailedComment,
  pullTitle,
  refusalComment,
  refusalText,
  successComment,
  type ImportedKey,
  type IntakeCode,
  type RefusalContext,
} from './intake-messages.js';
import { pageUrl } from '../requests/open-request.js';
import { parseRequestMeta, type RequestMeta } from '../requests/request-issue.js';

export interface IntakeDeps {
  readonly github: GithubClient;
  readonly repo: Repo;
  /** With the importer role's credentials: reads the sealing key, stores the new key. */
  readonly secretsManager: SecretsManagerClient;
  /** As given by --customers. */
  readonly customersDir: string;
  /** @default "cdktf.json" */
  readonly configFile?: string;
  /** Where the records repository is checked out; record paths in the commit are relative to it. @default process.cwd() */
  readonly repositoryRoot?: string;
  /**
   * The commit the records were read from (GITHUB_SHA, the default branch's head when the
   * event came): the record's branch starts there. @default the default branch's head now
   */
  readonly baseSha?: string;
  readonly ascBaseUrl: string;
  readonly clock: Clock;
  readonly retry?: RetryPolicy;
  /** Progress lines for the workflow log; never given issue text. @default nothing */
  readonly log?: (line: string) => void;
}

export type IntakeAction = 'ignored' | 'imported' | 'duplicate' | 'refused';

export interface IntakeOutcome {
  readonly action: IntakeAction;
  readonly code: IntakeCode | 'IGNORED';
  readonly issue: number | null;
  readonly customer: string | null;
  readonly keyId: string | null;
  readonly fingerprint: string | null;
  readonly pullRequest: { readonly number: number; readonly url: string } | null;
  readonly message: string;
  readonly exitCode: number;
}

/**
 * Intake of a sealed block posted on a key request, for one `issues` or `issue_comment`
 * event: who wrote it (triage or more), which blocks it holds (each once), whether each is
 * this customer's and new, then the import (Apple, then the pending version), the record on a
 * new branch, the pull request, and a comment with the result. A refusal is a comment with
 * the reason and the next step, and nothing stored. The text of the issue is hostile: it is
 * searched for blocks and never printed, run, or put in a comment.
 */
export async function runIntake(eventJson: unknown, deps: IntakeDeps): Promise<IntakeOutcome> {
  const log = deps.log ?? (() => {});
  const event = parseIntakeEvent(eventJson);
  const base = {
    issue: event.issueNumber,
    customer: null,
    keyId: null,
    fingerprint: null,
    pullRequest: null,
  };
  const ignored = (why: string): IntakeOutcome => {
    log(`nothing to do: ${why}`);
    return { ...base, action: 'ignored', code: 'IGNORED', message: `nothing to do: ${why}`, exitCode: 0 };
  };
  const skip = notForIntake(event);
  if (skip) return ignored(skip);
  const blocks = findSealedBlocks(event.text);
  if (!blocks.length) return ignored(`no sealed block in ${event.where} of #${event.issueNumber}`);

  const github = new IntakeGithub(deps.github, deps.repo);
  // The marker is text in the issue: a customer that is no slug (a path, say) is no request.
  const marked = parseRequestMeta(event.issueBody);
  const meta =
    marked && SLUG.test(marked.customer) && (marked.appleId === undefined || APPLE_ID.test(marked.appleId))
      ? marked
      : undefined;
  const context: RefusalContext = {
    customer: meta?.customer ?? '(unknown)',
    author: event.author,
    where: event.where,
    detail: '',
  };
  const refuse = async (
    code: IntakeCode,
    extra: Partial<RefusalContext> = {},
    opened?: OpenedSealedKey,
  ): Promise<IntakeOutcome> => {
    const c = { ...context, ...extra, ...(opened && { keyId: opened.keyId }) };
    await comment(github, event.issueNumber, refusalComment(code, c));
    const message = `refused (${code}): ${refusalText(code, c)}`;
    log(message);
    return {
      ...base,
      action: 'refused',
      code,
      customer: meta?.customer ?? null,
      keyId: opened?.keyId ?? null,
      fingerprint: opened?.fingerprint ?? null,
      message,
      exitCode: refusalExitCode(code),
    };
  };

  // Who: the author of the text, with triage rights or more.
  let role;
  try {
    role = await github.roleOf(event.author);
  } catch (err) {
    throw githubFailure(err, deps.repo);
  }
  if (!role.mayTriage) return refuse('NOT_PERMITTED', { role: role.role });
  if (!meta) return refuse('REQUEST_UNKNOWN');
  log(
    `#${event.issueNumber}: key request for ${meta.customer}; ${blocks.length} sealed block(s) in ${event.where} by ${event.author} (${role.role})`,
  );

  const project = loadProject({
    customersDir: deps.customersDir,
    ...(deps.configFile && { configFile: deps.configFile }),
  });
  const platform = requirePlatform(project);
  const refusalExtras = {
    ...(platform.requests && { pageUrl: pageUrl(platform.requests, meta.customer) }),
  };
  const record = project.records.find((r) => r.customer === meta.customer);
  const appleId = record?.appleId ?? meta.appleId;

  // Which key: every block opened with the sealing key, each checked to be this customer's.
  const readable = blocks.filter((b) => 'compact' in b);
  if (!readable.length) {
    const problem = (blocks[0] as { problem: SealingError }).problem;
    return refuse(problem.code, { ...refusalExtras, detail: problem.message });
  }
  let ring: SealingKeyRing | undefined;
  try {
    ring = await new SealingKeySecret(deps.secretsManager, platform.namePrefix).read();
  } catch (err) {
    if (
      err instanceof UsageError &&
      (err.code === 'AWS_UNAVAILABLE' || err.code === 'SEALING_KEY_UNAVAILABLE')
    )
      return refuse(err.code, { detail: err.message });
    throw err;
  }
  if (!ring)
    return refuse('SEALING_KEY_UNAVAILABLE', {
      detail:
        'the sealing secret holds no sealing key yet (an administrator runs "asc-keys sealing-key create")',
    });
  const opened: OpenedSealedKey[] = [];
  let firstProblem: SealingError | undefined;
  for (const block of readable) {
    try {
      opened.push(await openSealedWithRing(block.armoured, ring, { customer: meta.customer }));
    } catch (err) {
      if (!(err instanceof SealingError)) throw err;
      firstProblem ??= err;
    }
  }
  if (!opened.length) {
    const blockCustomer = /customer "([a-z0-9-]+)"/.exec(firstProblem!.message)?.[1];
    return refuse(firstProblem!.code, {
      ...refusalExtras,
      detail: firstProblem!.message,
      ...(blockCustomer && { blockCustomer }),
    });
  }
  const keys = new Map(opened.map((o) => [`${o.keyId} ${o.fingerprint}`, o]));
  if (keys.size > 1) return refuse('SEALED_SEVERAL_KEYS', refusalExtras);
  const key = opened[0]!;
  if (key.customer === undefined) return refuse('SEALED_NO_CUSTOMER', refusalExtras, key);

  // New: no pull request for this key yet, and the records do not name it.
  const branch = intakeBranch(meta.customer, key.keyId);
  let earlier: PullRequestRef | undefined;
  try {
    earlier = await github.pullFrom(branch);
  } catch (err) {
    throw githubFailure(err, deps.repo);
  }
  const named = record?.keyId === key.keyId && record.fingerprint === key.fingerprint;
  if (named || (earlier && earlier.state !== 'closed')) {
    const pull = named ? undefined : earlier;
    await comment(
      github,
      event.issueNumber,
      duplicateComment(
        { keyId: key.keyId, customer: meta.customer, where: event.where, author: event.author },
        pull,
      ),
    );
    const message = `key ${key.keyId} for ${meta.customer} was imported before${pull ? ` (pull request #${pull.number}, ${pull.state})` : ' (the records name it)'}; nothing done`;
    log(message);
    return {
      ...base,
      action: 'duplicate',
      code: 'ALREADY_IMPORTED',
      customer: meta.customer,
      keyId: key.keyId,
      fingerprint: key.fingerprint,
      pullRequest: pull ? { number: pull.number, url: pull.url } : null,
      message,
      exitCode: 0,
    };
  }
  if (!appleId) return refuse('APP_UNKNOWN', refusalExtras, key);

  // The import: Apple, then the pending version, then the record in the checkout.
  const request = importRequestFor(meta, key, appleId, record !== undefined, event.where);
  const file = join(deps.customersDir, `${meta.customer}.yaml`);
  const before = readIfExists(file);
  const guard = new InterruptGuard();
  let imported;
  try {
    imported = await importKey(request, {
      customersDir: deps.customersDir,
      ...(deps.configFile && { configFile: deps.configFile }),
      readKey: () => Promise.resolve(key.input),
      secrets: new SecretWriter(deps.secretsManager),
      ascBaseUrl: deps.ascBaseUrl,
      clock: deps.clock,
      ...(deps.retry && { retry: deps.retry }),
      guard,
    });
  } finally {
    guard.dispose();
  }
  if (imported.action === 'refused')
    return refuse(imported.code, { ...refusalExtras, appleId, detail: imported.message }, key);

  // The record goes to a branch; the checkout stays as the default branch has it.
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } finally {
    if (before === undefined) rmSync(file, { force: true });
    else writeFileSync(file, before);
  }
  const done: ImportedKey = {
    issue: event.issueNumber,
    customer: meta.customer,
    author: event.author,
    where: event.where,
    keyId: key.keyId,
    ...(key.issuerId !== undefined && { issuerId: key.issuerId }),
    fingerprint: key.fingerprint,
    appleId,
    secret: imported.secret!,
    version: keyVersionId(secretName(imported.secret!), key.keyId, key.fingerprint),
    ...(imported.previousKeyId !== undefined && { previousKeyId: imported.previousKeyId }),
    onboarding: record === undefined,
  };
  let pull: PullRequestRef;
  try {
    const defaultBranch = await github.defaultBranch();
    const baseSha = deps.baseSha ?? (await github.headOf(defaultBranch));
    if (!baseSha) throw new Error(`the default branch ${defaultBranch} has no head`);
    await github.commitFile({
      branch,
      baseSha,
      path: repoPath(file, deps.repositoryRoot ?? process.cwd()),
      content,
      message: `${pullTitle(done)}\n\nFingerprint ${done.fingerprint}; staged as version ${done.version}.`,
    });
    pull = await github.openPull({
      head: branch,
      base: defaultBranch,
      title: pullTitle(done),
      body: pullBody(done),
    });
  } catch (err) {
    const failure = githubFailure(err, deps.repo, `key ${key.keyId} is stored as the pending version`);
    await comment(github, event.issueNumber, pullFailedComment(done, describeStatus(err)));
    log(`imported, but no pull request: ${failure.message}`);
    return {
      ...base,
      action: 'refused',
      code: 'PULL_REQUEST_FAILED',
      customer: meta.customer,
      keyId: key.keyId,
      fingerprint: key.fingerprint,
      message: failure.message,
      exitCode: (failure as { exitCode?: number }).exitCode ?? 3,
    };
  }
  await comment(github, event.issueNumber, successComment(done, pull));
  const message = `imported key ${key.keyId} for ${meta.customer} (staged in ${done.secret}); pull request #${pull.number}: ${pull.url}`;
  log(message);
  return {
    ...base,
    action: 'imported',
    code: 'OK',
    customer: meta.customer,
    keyId: key.keyId,
    fingerprint: key.fingerprint,
    pullRequest: { number: pull.number, url: pull.url },
    message,
    exitCode: 0,
  };
}

/** The branch of one key's record change: one per customer and key, so a second run finds it. */
export function intakeBranch(customer: string, keyId: string): string {
  return `asc-keys/intake/${customer}/${keyId}`;
}

function importRequestFor(
  meta: RequestMeta,
  key: OpenedSealedKey,
  appleId: string,
  hasRecord: boolean,
  where: string,
): ImportRequest {
  return {
    customer: meta.customer,
    appleId,
    keyId: key.keyId,
    ...(key.issuerId !== undefined && { issuerId: key.issuerId }),
    source: { kind: 'sealed', path: where },
    verify: true,
    // A new customer's record takes the name and contacts the request was opened with.
    ...(!hasRecord && meta.displayName && { displayName: meta.displayName }),
    contacts: hasRecord ? [] : [...(meta.contacts ?? [])],
  };
}

/** Refusals about the key are findings (1), outages 3, configuration 2: as import's codes. */
function refusalExitCode(code: IntakeCode): number {
  switch (code) {
    case 'NOT_PERMITTED':
    case 'REQUEST_UNKNOWN':
    case 'APP_UNKNOWN':
    case 'SEALED_NO_CUSTOMER':
    case 'SEALED_SEVERAL_KEYS':
    case 'SEALED_OTHER_CUSTOMER':
      return 1;
    case 'ALREADY_IMPORTED':
      return 0;
    case 'PULL_REQUEST_FAILED':
      return 3;
    default:
      return exitCodeOf(code);
  }
}

async function comment(github: IntakeGithub, issue: number, body: string): Promise<void> {
  try {
    await github.comment(issue, body);
  } catch (err) {
    throw githubFailure(err, github.repo, 'the result could not be posted on the request');
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The secret's name, from its reference (`aws-sm:<name>` or its ARN): the version ID is made of it. */
function secretName(reference: string): string {
  const parsed = parseSecretReference(reference);
  return !isReferenceProblem(parsed) && parsed.scheme === 'aws-sm' ? parsed.name : reference;
}

function repoPath(file: string, root: string): string {
  const rel = isAbsolute(file) ? relative(root, file) : file;
  return rel.split(sep).join('/');
}

function describeStatus(err: unknown): string {
  const status = (err as { status?: number }).status;
  return status ? `GitHub answered ${status}` : 'GitHub could not be reached';
}

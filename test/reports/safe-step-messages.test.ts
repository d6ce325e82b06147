import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { REPO } from '../support/project.js';

/**
 * No message of any command advises deleting a key or a secret, or storing an older key again,
 * as its first step. Every text in lib/ that mentions deleting or restoring is collected from
 * the syntax tree (string literals and templates, whose interpolations read as "…"; comments
 * are no messages), and each must name a safe step (restore, put the record back, import, merge,
 * deploy, apply, rotate, keep, revert) before any deletion it advises.
 */
const DELETE_ADVICE = /\bdelete (it|the|this|that|them|a|its)\b|\bdelete-(secret|schedule)\b|force-delete/i;
const SAFE_STEP =
  /\b(restore|restored|put (the|its) record back|import|merge|deploy|apply|rotate|keep|revert|run the same|write)\b/i;
const MENTIONS = /delet|restor/i;
/**
 * The copies on an engineer's machine (the .p8, the zip, the email), which import's report says
 * to delete only once the key is stored in Secrets Manager: deleting them is the safe step.
 */
const LOCAL_COPY = /\bfrom this machine\b|\bthe email or file that held\b/i;
/** Not messages: IAM and API action names, CLI flags alone. */
const NOT_A_MESSAGE = /^([a-z0-9-]+:[A-Za-z*]+|[A-Z][A-Za-z]+(Command|Exception)?|--[a-z-]+)$/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function texts(file: string): { file: string; line: number; text: string }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { file: string; line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node))
      text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('…');
    if (text !== undefined && ts.isImportDeclaration(node.parent)) text = undefined;
    if (text !== undefined) {
      found.push({
        file: relative(REPO, file),
        line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
        text,
      });
      if (ts.isTemplateExpression(node)) node.templateSpans.forEach((s) => visit(s.expression));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const messages = sources(join(REPO, 'lib'))
  .flatMap(texts)
  .filter((m) => MENTIONS.test(m.text) && !NOT_A_MESSAGE.test(m.text.trim()));

describe('messages that mention deleting or restoring name the safe step first', () => {
  test('there are such messages to check (the collection works)', () => {
    expect(messages.length).toBeGreaterThan(5);
    expect(messages.map((m) => m.text).join('\n')).toMatch(/restore-secret/);
  });

  test.each(messages.map((m) => [`${m.file}:${m.line}`, m.text] as const))('%s', (_where, text) => {
    const advice = DELETE_ADVICE.exec(text);
    if (!advice || LOCAL_COPY.test(text)) return;
    const safe = SAFE_STEP.exec(text);
    expect(safe?.index ?? Infinity, `"${text}" advises deleting before any safe step`).toBeLessThan(
      advice.index,
    );
  });
});

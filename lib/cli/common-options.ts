import { InvalidArgumentError, Option, type Command } from 'commander';
import type { OutputFormat } from '../reports/emit-report.js';

/** The options of every command that reads records (docs/contract.md, Commands). */
export interface CommonOptions {
  readonly customers: string;
  readonly format: OutputFormat;
  readonly junit?: string;
  readonly debug?: boolean;
}

export function withCommonOptions(
  command: Command,
  formats: readonly OutputFormat[] = ['text', 'json'],
): Command {
  return command
    .option('--customers <dir>', 'the directory of customer records', nonEmpty, 'customers')
    .addOption(new Option('--format <format>', 'output format on stdout').choices(formats).default('text'))
    .option('--junit <file>', 'also write a JUnit XML report to this file', nonEmpty)
    .option('--debug', 'show stack traces of errors');
}

/**
 * An option value may not be empty: `--shard ''` would otherwise check everyone and
 * `--junit ''` would be ignored, silently, in CI. A usage error (exit 2) instead.
 */
export function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value;
}

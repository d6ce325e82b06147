#!/usr/bin/env node
import { run } from './run.js';

// Exit only once stdout has drained, so that piped JSON is never cut short.
process.exitCode = await run(process.argv.slice(2));

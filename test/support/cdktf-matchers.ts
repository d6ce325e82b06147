import { Testing } from 'cdktf';
import { expect } from 'vitest';

// Imported by the stack tests that use them (cdktf is slow to load). cdktf registers its
// Jest-style matchers on a global `expect`; vitest's is API-compatible
// (extend, asymmetric matchers), so stack tests get toHaveResourceWithProperties with a diff.
Object.assign(globalThis, { expect });
Testing.setupJest();

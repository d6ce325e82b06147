import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, tempProject } from './project.js';

/** A temporary copy of the bundled example customers, with the example cdktf.json. */
export function exampleProject(): ReturnType<typeof tempProject> {
  const project = tempProject({});
  cpSync(join(REPO, 'customers'), project.customers, { recursive: true });
  return project;
}

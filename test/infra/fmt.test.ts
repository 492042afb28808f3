import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/load-terraform.js';

const probe = spawnSync('terraform', ['version'], { encoding: 'utf8' });
const hasTerraform = !probe.error && probe.status === 0;

if (!hasTerraform) {
  console.warn('terraform is not on PATH: `terraform fmt -check` is skipped (install Terraform to run it).');
}

describe('terraform fmt', () => {
  it.skipIf(!hasTerraform)('infra/terraform is formatted (terraform fmt -check -recursive)', () => {
    const result = spawnSync('terraform', ['fmt', '-check', '-recursive', '-diff', 'infra/terraform'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(result.stdout, 'run: terraform fmt -recursive infra/terraform').toBe('');
    expect(result.status).toBe(0);
  });
});

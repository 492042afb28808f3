import { describe, expect, it } from 'vitest';
import { loadTerraform } from './support/load-terraform.js';

/**
 * Arguments the AWS provider 6.x upgrade guide removed (a configuration that sets one does not validate),
 * by resource type.
 */
const REMOVED_IN_V6: Record<string, string[]> = {
  aws_api_gateway_account: ['reset_on_delete'],
};

describe('AWS provider 6.x', () => {
  it('sets no argument that provider 6.x removed', async () => {
    const found: string[] = [];
    for (const dir of (await loadTerraform()).values()) {
      for (const [type, removed] of Object.entries(REMOVED_IN_V6)) {
        for (const [name, body] of dir.resources.get(type) ?? []) {
          for (const argument of removed) {
            if (argument in body) found.push(`${dir.name} ${type}.${name}.${argument}`);
          }
        }
      }
    }
    expect(found).toEqual([]);
  });
});

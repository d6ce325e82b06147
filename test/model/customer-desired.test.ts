import { describe, expect, test } from 'vitest';
import { customerOfStack, customerStackName } from '../../lib/model/customer-desired.js';
import { CUSTODY_STACK } from '../../lib/model/trust-zones.js';
import { PLATFORM_STACK } from '../../lib/model/platform-desired.js';

describe('customer stack names and their inverse', () => {
  test('the customer back from its stack; the platform and custody stacks have none', () => {
    for (const slug of ['acme', 'customer-of-a-customer'])
      expect(customerOfStack(customerStackName(slug))).toBe(slug);
    expect(customerOfStack(PLATFORM_STACK)).toBeUndefined();
    expect(customerOfStack(CUSTODY_STACK)).toBeUndefined();
  });
});

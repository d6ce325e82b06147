import 'vitest';

interface CdktfMatchers<R = unknown> {
  toHaveResource(resource: { tfResourceType: string }): R;
  toHaveResourceWithProperties(resource: { tfResourceType: string }, properties: Record<string, unknown>): R;
  toHaveDataSource(dataSource: { tfResourceType: string }): R;
  toHaveDataSourceWithProperties(
    dataSource: { tfResourceType: string },
    properties: Record<string, unknown>,
  ): R;
  toHaveProvider(provider: { tfResourceType: string }): R;
  toHaveProviderWithProperties(provider: { tfResourceType: string }, properties: Record<string, unknown>): R;
  toBeValidTerraform(): R;
  toPlanSuccessfully(): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any -- the shape vitest declares
  interface Matchers<T = any> extends CdktfMatchers<T> {}
}

import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { asConfigurationError } from '../../lib/aws/errors.js';
import { call } from '../../lib/aws/read.js';

/** An error as the SDK raises it: a name, a message and, from a service, its metadata. */
function sdkError(name: string, status?: number): Error {
  return Object.assign(new Error(`${name} from the SDK`), {
    name,
    ...(status !== undefined && { $metadata: { httpStatusCode: status } }),
  });
}

describe('AWS credentials: none found is not the same as refused', () => {
  test('none found says to configure credentials', () => {
    const err = asConfigurationError(sdkError('CredentialsProviderError'), {});
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toMatch(
      /^no AWS credentials were found \(CredentialsProviderError\); configure them/,
    );
    expect(err?.message).not.toContain('refused');
  });

  test('every refusal says the credentials are wrong or expired, and how to get new ones', () => {
    for (const name of [
      'UnrecognizedClientException',
      'InvalidSignatureException',
      'ExpiredTokenException',
    ]) {
      const err = asConfigurationError(sdkError(name, 400), {});
      expect(err?.exitCode, name).toBe(2);
      expect(err?.message, name).toMatch(
        new RegExp(
          `^AWS refused the credentials \\(${name}\\): they are wrong, expired or of another account; refresh them`,
        ),
      );
    }
  });
});

describe('an endpoint that does not answer as AWS', () => {
  const html = (status: number): Error =>
    Object.assign(
      new SyntaxError(
        'Unexpected token < in JSON\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      ),
      {
        $metadata: { httpStatusCode: status },
      },
    );

  test('an HTML page below 500 (a 404, even a 200) is a configuration error that names AWS_ENDPOINT_URL', () => {
    for (const status of [404, 400, 200]) {
      const err = asConfigurationError(html(status), { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
      expect(err?.exitCode, String(status)).toBe(2);
      expect(err?.code).toBe('AWS_CONFIG_INVALID');
      expect(err?.message).toMatch(
        new RegExp(
          `^AWS_ENDPOINT_URL=http://127\\.0\\.0\\.1:9 answered HTTP ${status} with something that is not an AWS answer \\(SyntaxError\\); point it at an AWS endpoint`,
        ),
      );
    }
    expect(asConfigurationError(html(404), { AWS_REGION: 'eu-central-1' })?.message).toMatch(
      /^the AWS endpoint answered HTTP 404 .*; check AWS_REGION \(eu-central-1\), any proxy, and AWS_ENDPOINT_URL/,
    );
  });

  test("a 5xx page is an outage, a 403 a refusal, and AWS's own 404 (a schedule not found) an answer", () => {
    expect(asConfigurationError(html(503), {})).toBeUndefined();
    expect(asConfigurationError(html(403), {})).toBeUndefined();
    expect(asConfigurationError(sdkError('ResourceNotFoundException', 404), {})).toBeUndefined();
  });
});

describe('a read that drift could not make says what to do about that failure', () => {
  test('an outage: run again later, no role advice; a refusal: the validator role', async () => {
    const unavailable = Object.assign(sdkError('ServiceUnavailableException', 503), { $fault: 'server' });
    await expect(call('ListSecrets', () => Promise.reject(unavailable))).rejects.toThrow(
      'ListSecrets failed: ServiceUnavailableException (HTTP 503); AWS did not answer; run again later',
    );
    await expect(call('ListSecrets', () => Promise.reject(unavailable))).rejects.not.toThrow(/validator/);
    await expect(
      call('GetResourcePolicy', () => Promise.reject(sdkError('AccessDeniedException', 400))),
    ).rejects.toThrow(/; run it with the validator role, which may read everything drift compares$/);
  });
});

describe('a region or an endpoint that the SDK cannot use names the setting to fix (exit 2)', () => {
  afterEach(() => vi.unstubAllEnvs());
  /** A real client's first call, as the SDK fails it before any request is sent. */
  const failure = (config: ConstructorParameters<typeof SecretsManagerClient>[0]): Promise<unknown> =>
    new SecretsManagerClient({
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      ...config,
    })
      .send(new ListSecretsCommand({}))
      .then(
        () => expect.unreachable('the SDK sent the request'),
        (err: unknown) => err,
      );

  test('no region anywhere: AWS_CREDENTIALS_MISSING, "set AWS_REGION"', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/asc-keys-test-config');
    const err = asConfigurationError(await failure({}), {});
    expect(err).toMatchObject({
      code: 'AWS_CREDENTIALS_MISSING',
      exitCode: 2,
      message: 'no AWS region is configured; set AWS_REGION (or a profile with a region)',
    });
  });

  test('a region that is no region: AWS_CONFIG_INVALID, naming AWS_REGION or the profile it came from', async () => {
    const refused = await failure({ region: 'eu central' });
    expect(asConfigurationError(refused, { AWS_REGION: 'eu central' })).toMatchObject({
      code: 'AWS_CONFIG_INVALID',
      exitCode: 2,
      message:
        'the AWS region is not valid (AWS_REGION=eu central); set AWS_REGION to a region such as eu-central-1',
    });
    expect(asConfigurationError(refused, {})?.message).toMatch(
      /^the AWS region is not valid \(from the AWS profile\); /,
    );
  });

  test('an AWS_ENDPOINT_URL that is not a URL: AWS_CONFIG_INVALID, the value and "unset it to use AWS"', async () => {
    const err = asConfigurationError(
      await failure({ region: 'eu-central-1', endpoint: 'http://moto 5000' }),
      {
        AWS_ENDPOINT_URL: 'http://moto 5000',
      },
    );
    expect(err).toMatchObject({
      code: 'AWS_CONFIG_INVALID',
      exitCode: 2,
      message:
        'AWS_ENDPOINT_URL=http://moto 5000 is not a URL (Invalid URL); set it to an http(s) URL, or unset it to use AWS',
    });
  });
});

import { UsageError } from '../errors.js';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * Checks the AWS settings of the environment before any call, so that a typo is a
 * configuration error that names the variable (exit 2) rather than an outage, and returns
 * the warnings to print: an AWS_REGION other than the platform's makes every secret look
 * missing, so the run says which region it uses.
 */
/**
 * The region every client uses: AWS_REGION when it is set, as the SDK would, else the
 * platform's own (cdktf.json names it), so that no one has to repeat it in the environment.
 */
export function awsRegion(platformRegion: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.AWS_REGION || platformRegion;
}

export function checkAwsEnvironment(platformRegion: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const endpoint = env.AWS_ENDPOINT_URL;
  if (endpoint) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch (err) {
      throw new UsageError('AWS_CONFIG_INVALID', `AWS_ENDPOINT_URL=${endpoint} is not a URL (Invalid URL)`, {
        next: 'set it to an http(s) URL, or unset it to use AWS',
        cause: err,
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError('AWS_CONFIG_INVALID', `AWS_ENDPOINT_URL=${endpoint} is not an http(s) URL`, {
        next: 'fix it, or unset it to use AWS',
      });
  }
  const region = env.AWS_REGION;
  if (region !== undefined && region !== '' && !REGION.test(region))
    throw new UsageError('AWS_CONFIG_INVALID', `AWS_REGION=${region} is not an AWS region`, {
      next: `set it to a region such as ${platformRegion}`,
    });
  if (region && region !== platformRegion)
    return [
      `AWS_REGION is ${region} but the platform's region (cdktf.json, context.platform.region) is ${platformRegion}; asc-keys uses ${region}, as the AWS SDK does, so secrets in ${platformRegion} will look missing. Unset AWS_REGION or set it to ${platformRegion}`,
    ];
  return [];
}

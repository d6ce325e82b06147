import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK } from 'jose';

/** A freshly generated App Store Connect-style key: never a committed one. */
export interface TestKey {
  readonly pem: string;
  /** The base64 body of the PEM, to search outputs for. */
  readonly body: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly fingerprint: string;
}

export async function generateTestKey(): Promise<TestKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const fingerprint = await calculateJwkThumbprint(await exportJWK(publicKey), 'sha256');
  return { pem, body: pemBody(pem), privateKey, publicKey, fingerprint };
}

export function pemBody(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
}

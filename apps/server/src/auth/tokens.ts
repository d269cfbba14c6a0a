import { createHash, randomBytes } from 'node:crypto';
import type { TokenRole } from '@hoplab/event-store';

export const roles: TokenRole[] = ['instructor', 'student', 'observer'];

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function bearerToken(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? match[1] : null;
}

import { describe, expect, it } from 'vitest';
import { keyPolicy } from '../../src/domain/access-key/access-key-policy.ts';

describe('access key policy', () => {
  it('a read key lists and reads its buckets and nothing else', () => {
    const policy = keyPolicy('read', ['photos', 'backups', 'photos'])!;
    expect(policy.Statement).toEqual([
      { Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketVersions'], Resource: ['arn:aws:s3:::backups', 'arn:aws:s3:::photos'] },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: ['arn:aws:s3:::backups/*', 'arn:aws:s3:::photos/*'] },
    ]);
    expect(JSON.stringify(policy)).not.toContain('PutObject');
    expect(JSON.stringify(policy)).not.toContain('"*"');
  });

  it('a write key writes and deletes objects but cannot read them', () => {
    const policy = keyPolicy('write', ['logs'])!;
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toContain('s3:PutObject');
    expect(actions).toContain('s3:DeleteObject');
    expect(actions).not.toContain('s3:GetObject');
    expect(actions).not.toContain('s3:ListBucket');
  });

  it('read-write is the union of both, each action once', () => {
    const actions = keyPolicy('read-write', ['a'])!.Statement.flatMap((s) => s.Action);
    const union = new Set([...keyPolicy('read', ['a'])!.Statement.flatMap((s) => s.Action), ...keyPolicy('write', ['a'])!.Statement.flatMap((s) => s.Action)]);
    expect(new Set(actions)).toEqual(union);
    expect(actions.length).toBe(union.size);
  });

  it('a key that reaches no bucket gets no policy', () => {
    expect(keyPolicy('read-write', [])).toBeNull();
  });
});

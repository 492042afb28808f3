/** What a connection authenticates with: `AUTH [username] password` (no username: the `default` user). */
export interface RedisCredentials {
  readonly username?: string | undefined;
  readonly password: string;
}

export function sameCredentials(a: RedisCredentials | undefined, b: RedisCredentials | undefined): boolean {
  return a?.username === b?.username && a?.password === b?.password;
}

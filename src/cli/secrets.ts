/**
 * Passwords found in the URLs a user handed us (any argument or environment variable that parses
 * as a URL with a password), and a mask that replaces each where it appears in a URL
 * (`:secret@` -> `:***@`, raw or percent-encoded). The CLI passes every line it prints through it,
 * so a password reaches no terminal, --json, JUnit file or error message, whichever code built it.
 */
export function secretMask(candidates: readonly (string | undefined)[]): (text: string) => string {
  const secrets = new Set<string>();
  for (const candidate of candidates) {
    const password = passwordOf(candidate);
    if (password === undefined) continue;
    secrets.add(password);
    secrets.add(decodeURIComponent(password));
  }
  if (secrets.size === 0) return (text) => text;
  return (text) => {
    let masked = text;
    for (const secret of secrets) masked = masked.split(`:${secret}@`).join(':***@');
    return masked;
  };
}

function passwordOf(candidate: string | undefined): string | undefined {
  if (candidate === undefined || !candidate.includes('@')) return undefined;
  const value = candidate.includes('=') && candidate.startsWith('--') ? candidate.slice(candidate.indexOf('=') + 1) : candidate;
  try {
    const password = new URL(value).password;
    return password === '' ? undefined : password;
  } catch {
    // WHATWG URL refuses several hosts (redis-sentinel://:pw@h1:26379,h2:26379/name): read the userinfo itself.
    return /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@/]+)@/i.exec(value)?.[1];
  }
}

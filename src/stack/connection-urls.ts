/** Host and port of a service URL, with the scheme's default port when the URL has none. */
export function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port === '' ? defaultPort : Number(parsed.port) };
}

/** `url` with its host and port replaced: same credentials, database and options, other address. */
export function withHostPort(url: string, host: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  parsed.port = String(port);
  return parsed.toString();
}

/** `url` with any password replaced by ***, for lines a user may paste into a ticket or CI log. */
export function redactPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password === '') return url; // as given: URL would add a trailing slash to http://h:p
  parsed.password = '***';
  return parsed.toString();
}

/** The port of a Toxiproxy `listen` value: "127.0.0.1:41234", "[::]:41234", "0.0.0.0:8666". */
export function listenPort(listen: string): number {
  const port = Number(listen.slice(listen.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no port in listen address "${listen}"`);
  return port;
}

export const DEFAULT_REDIS_PORT = 6379;
export const DEFAULT_POSTGRES_PORT = 5432;

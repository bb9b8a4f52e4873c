/** The few parts of autocannon (no bundled types) that bench/api-load.ts uses. */
declare module 'autocannon' {
  interface Options {
    url: string;
    duration: number;
    connections: number;
    headers?: Record<string, string>;
  }
  interface Result {
    errors: number;
    timeouts: number;
    non2xx: number;
  }
  interface Instance extends PromiseLike<Result> {
    on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): this;
  }
  export default function autocannon(options: Options): Instance;
}

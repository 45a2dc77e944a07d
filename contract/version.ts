/**
 * The package version (package.json, bundled at build time): the server reports it in its
 * `serverInfo`, the CLI prints it for `--version`.
 */
import { version } from '../package.json';

export const SERVER_VERSION: string = version;

// The command-line entry: parses the subcommand and hands over to it. Returns the exit status.
import pkg from '../../package.json' with { type: 'json' };
import { checkCommand } from './check-command.js';
import { elfCommand } from './elf-command.js';
import { imageCommand } from './image-command.js';
import { runCommand } from './run-command.js';
import { shellCommand } from './shell-command.js';
import { snapshotCommand } from './snapshot-command.js';

const usage = `usage: linux-terminal <command> [options]

commands:
  run            start Linux headless, run a command in its shell, exit with its status
  shell          start Linux with its console attached to this terminal (Ctrl-A X quits)
  elf            run a bare-metal RISC-V ELF until it reports PASS or FAIL through tohost
  image build    make an image folder (manifest.json + blobs/) from a kernel and disks
  snapshot save  boot an image and save the machine at its prompt, for run --state
  check          run the runnable snippets of Markdown and HTML docs, and say which fail
  help           show this text
  version        print the package version

Run 'linux-terminal <command> --help' for a command's options.
`;

export async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return 0;
    case 'run':
      return runCommand(argv.slice(1));
    case 'shell':
      return shellCommand(argv.slice(1));
    case 'elf':
      return elfCommand(argv.slice(1));
    case 'image':
      return imageCommand(argv.slice(1));
    case 'snapshot':
      return snapshotCommand(argv.slice(1));
    case 'check':
      return checkCommand(argv.slice(1));
    case 'version':
    case '--version':
      console.log(pkg.version);
      return 0;
    default:
      console.error(`linux-terminal: unknown command '${command}'.\n\n${usage}`);
      return 2;
  }
}

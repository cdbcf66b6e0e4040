// The marker that makes a fenced code block runnable, shared by the Markdown plugins and the
// snippet checker: the word `run` after the block's language, then optional attributes,
//
//   ```sh run session=intro image=debian timeout=30
//
// and an optional ```output block right after it, the expected output. Values with spaces go in
// double quotes (`session="lesson two"`).

/** How a snippet's output is compared with its expected block. */
export type OutputMatch =
  /** Byte for byte (the guest's \r\n already \n). */
  | 'exact'
  /**
   * Trailing whitespace of each line and blank lines at the end ignored, and a line `...` in the
   * expected block stands for any number of lines.
   */
  | 'lenient';

export interface SnippetOptions {
  /** The block's language (`sh`, `bash`, `console`...): only shell code runs today. */
  language: string;
  /** Snippets of one session share one machine, in page order; none: one per file. */
  session?: string;
  /** The image to run in (`busybox`, `debian`, or a manifest URL); the page's or CLI's default. */
  image?: string;
  /** Seconds the snippet may run (default: the runner's). */
  timeout?: number;
  /** The exit status the snippet must end with (default 0). */
  exit: number;
  match: OutputMatch;
}

/** Languages whose code is run as shell commands. */
export const SHELL_LANGUAGES = new Set(['sh', 'shell', 'bash', 'console', 'shell-session']);

/** One attribute: `key=value`, `key="a value"`, or a bare word. */
const ATTRIBUTE = /([A-Za-z][\w-]*)(?:=(?:"([^"]*)"|([^\s"]+)))?/y;

/**
 * The options of a fenced block's info string (what follows the opening fence), or undefined when
 * the block is not marked runnable. Throws a sentence when the marker is there but an attribute
 * is not one it knows, so that a typo never silently turns a checked snippet into plain code.
 */
export function parseSnippetInfo(info: string): SnippetOptions | undefined {
  const words = info.trim();
  const head = /^(\S+)\s+run(?:\s+|$)/.exec(words);
  if (!head) return undefined;
  const options: SnippetOptions = { language: head[1], exit: 0, match: 'exact' };
  let at = head[0].length;
  while (at < words.length) {
    if (/\s/.test(words[at])) {
      at++;
      continue;
    }
    ATTRIBUTE.lastIndex = at;
    const m = ATTRIBUTE.exec(words);
    if (!m) throw new Error(`cannot read "${words.slice(at)}" in "${info.trim()}"`);
    at = ATTRIBUTE.lastIndex;
    const [, key, quoted, bare] = m;
    const value = quoted ?? bare;
    setOption(options, key, value, info.trim());
  }
  return options;
}

function setOption(options: SnippetOptions, key: string, value: string | undefined, info: string) {
  const need = (what: string) => {
    if (value === undefined || value === '')
      throw new Error(`"${key}" needs a value (${what}) in "${info}"`);
    return value;
  };
  switch (key) {
    case 'session':
      options.session = need('a name');
      break;
    case 'image':
      options.image = need('an image name or manifest URL');
      break;
    case 'timeout': {
      const seconds = Number(need('seconds'));
      if (!(seconds > 0)) throw new Error(`"timeout" must be a number of seconds in "${info}"`);
      options.timeout = seconds;
      break;
    }
    case 'exit': {
      const status = Number(need('an exit status'));
      if (!Number.isInteger(status) || status < 0 || status > 255)
        throw new Error(`"exit" must be an exit status from 0 to 255 in "${info}"`);
      options.exit = status;
      break;
    }
    case 'match':
      if (value !== 'exact' && value !== 'lenient')
        throw new Error(`"match" is exact or lenient, not "${value ?? ''}", in "${info}"`);
      options.match = value;
      break;
    default:
      throw new Error(
        `unknown attribute "${key}" in "${info}" (known: session, image, timeout, exit, match)`,
      );
  }
}

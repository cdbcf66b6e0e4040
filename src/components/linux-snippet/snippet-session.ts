// The machine behind <linux-snippet> elements: the snippets of one `session="name"` on a page
// share one, in page order; a snippet without a session has one of its own. The machine is a
// `<linux-terminal>` the session owns, kept in the shadow root of one of its snippets (hidden
// until a reader asks for the terminal; moved, within one task so that it keeps its machine, to
// the snippet that shows it), started when the first of its snippets scrolls into view, and each
// snippet is typed into its shell (LinuxTerminal.runInShell) so that `cd` and variables persist.
import { LinuxFile } from '../linux-file/linux-file.js';
import { LinuxTerminal } from '../linux-terminal/linux-terminal.js';

/** What a session needs of a snippet element. */
export interface SessionMember extends HTMLElement {
  /** The image it asks for, if it names one. */
  readonly image?: string;
  /** Where the session's terminal goes while this snippet holds it. */
  terminalContainer(): HTMLElement | undefined;
  /** Another snippet of the session took the terminal (this one no longer shows it). */
  terminalTaken(): void;
}

/** Sessions by name, for this page. */
const named = new Map<string, SnippetSession>();

export class SnippetSession {
  private readonly members = new Set<SessionMember>();
  private terminalElement?: LinuxTerminal;
  /** The snippet whose shadow root holds the terminal. */
  private holder?: SessionMember;

  private constructor(readonly name: string | undefined) {}

  /** The session `name` (one per page), or a session of its own when there is no name. */
  static join(member: SessionMember, name: string | undefined): SnippetSession {
    let session = name === undefined ? undefined : named.get(name);
    if (!session) {
      session = new SnippetSession(name);
      if (name !== undefined) named.set(name, session);
    }
    session.members.add(member);
    return session;
  }

  /** `member` left the page: the terminal, if it held it, moves to another snippet. */
  leave(member: SessionMember): void {
    this.members.delete(member);
    if (this.holder !== member || !this.terminalElement) return;
    const next = this.ordered()[0];
    const container = next?.terminalContainer();
    // In this task, so the terminal keeps its machine (it is torn down only if still out).
    if (next && container) {
      this.holder = next;
      container.append(this.terminalElement);
    } else this.holder = undefined;
  }

  /** The session's snippets in the page, in page order. */
  ordered(): SessionMember[] {
    return [...this.members]
      .filter((m) => m.isConnected)
      .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  }

  /** The snippets before `member`, in page order. */
  before(member: SessionMember): SessionMember[] {
    const all = this.ordered();
    const at = all.indexOf(member);
    return at < 0 ? [] : all.slice(0, at);
  }

  /**
   * The session's terminal, started (booting, or ready), placed in `member`'s shadow root unless
   * another snippet of the session holds it already.
   */
  start(member: SessionMember): LinuxTerminal {
    const terminal = this.terminal(member);
    if (!terminal.isConnected) this.moveTo(member);
    terminal.start();
    return terminal;
  }

  /** Moves the terminal to `member` (which shows it), and starts it. */
  showIn(member: SessionMember): LinuxTerminal {
    const terminal = this.terminal(member);
    if (this.holder !== member || !terminal.isConnected) this.moveTo(member);
    terminal.start();
    return terminal;
  }

  /** Puts the terminal in `member`'s shadow root (in one task: it keeps its machine). */
  private moveTo(member: SessionMember): void {
    const container = member.terminalContainer();
    if (!container || !this.terminalElement) return;
    const previous = this.holder;
    this.holder = member;
    container.append(this.terminalElement);
    if (previous && previous !== member) previous.terminalTaken();
  }

  private terminal(member: SessionMember): LinuxTerminal {
    if (this.terminalElement) return this.terminalElement;
    const terminal = document.createElement('linux-terminal') as LinuxTerminal;
    const members = this.ordered();
    terminal.image = members.find((m) => m.image)?.image ?? member.image ?? 'busybox';
    terminal.label = this.name === undefined ? 'Snippet terminal' : `Terminal of ${this.name}`;
    // The files of every snippet of the session, placed before the shell starts.
    for (const m of members.includes(member) ? members : [...members, member])
      for (const file of m.querySelectorAll(':scope > linux-file'))
        if (file instanceof LinuxFile) terminal.append(file.cloneNode(true));
    this.terminalElement = terminal;
    this.moveTo(member);
    return terminal;
  }
}

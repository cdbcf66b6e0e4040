import { LitElement, css } from 'lit';
import { property } from 'lit/decorators.js';
import { dedent } from '../dedent.js';

/**
 * A file for the guest of the enclosing `<linux-terminal>`: its text content is placed at `path`
 * before the guest's shell starts. Never shown in the page. Source with `<` or `&` in it (C's
 * `#include <stdio.h>`, HTML) goes in a `<script type="text/plain">` child, whose text the
 * browser does not parse as markup.
 *
 * @summary A file placed in the guest of the enclosing terminal.
 */
export class LinuxFile extends LitElement {
  static override styles = css`
    :host {
      display: none !important;
    }
  `;

  /** Absolute path in the guest, e.g. /root/hello.py. */
  @property() path = '';

  /** Octal permission bits, e.g. 0644 or 0755. */
  @property() mode = '0644';

  /**
   * The file's content: the element's text, with the indentation of its first line removed,
   * ending in a newline as text files do (`<linux-file>echo hi</linux-file>` is "echo hi\n").
   */
  get content(): string {
    const text = dedent(this.textContent ?? '');
    return text === '' || text.endsWith('\n') ? text : `${text}\n`;
  }

  /** The mode as a number; 0644 when it is not octal. */
  get modeBits(): number {
    return /^[0-7]{3,4}$/.test(this.mode) ? parseInt(this.mode, 8) : 0o644;
  }
}

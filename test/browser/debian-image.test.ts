// The debian image in a page (issue 7): a C file placed with <linux-file> compiles with gcc and
// runs, and Python answers. The image is not committed: `npm run images:build -- debian` makes it
// (CI does); where it is absent these tests are skipped.
import { expect } from '@open-wc/testing';
import '../../src/components/index.js';
import type { LinuxTerminal } from '../../src/components/index.js';

const MANIFEST = '/src/images/debian/dist/manifest.json';

describe('<linux-terminal image="…debian…">', function () {
  // A full distribution: more to fetch and boot than BusyBox.
  this.timeout(240_000);

  before(async function () {
    if (!(await fetch(MANIFEST, { method: 'HEAD' })).ok) this.skip();
  });

  it('compiles and runs a C file placed with <linux-file>, and runs Python', async () => {
    // In a <script type="text/plain">, "<stdio.h>" stays text instead of becoming an element.
    const holder = document.createElement('div');
    holder.innerHTML = `
      <linux-terminal autorun image="${MANIFEST}" rows="10">
        <linux-file path="/root/src/answer.c"><script type="text/plain">
          #include <stdio.h>
          int main(void) {
            printf("the answer is %d\\n", 6 * 7);
            return 0;
          }
        </script></linux-file>
      </linux-terminal>`;
    const el = holder.querySelector<LinuxTerminal>('linux-terminal')!;
    document.body.append(el);
    await el.ready;

    const build = await el.exec('cd /root/src && gcc -O2 -o answer answer.c && ./answer', {
      timeout: 120_000,
    });
    expect(build).to.deep.equal({ exitCode: 0, output: 'the answer is 42\n', truncated: false });

    const python = await el.exec(
      `python3 -c 'import json, math; print(json.dumps({"pi": round(math.pi, 5)}))'`,
      { timeout: 60_000 },
    );
    expect(python).to.deep.equal({ exitCode: 0, output: '{"pi": 3.14159}\n', truncated: false });
    el.remove();
  });

  it("runs the README's example: a script that compiles the page's C file", async () => {
    const holder = document.createElement('div');
    holder.innerHTML = `
      <linux-terminal autorun image="${MANIFEST}">
        <linux-file path="/root/hello.c"><script type="text/plain">
          #include <stdio.h>
          int main(void) { puts("hello"); return 0; }
        </script></linux-file>
        <script type="text/x-shell">gcc -o hello hello.c && ./hello</script>
      </linux-terminal>`;
    const el = holder.querySelector<LinuxTerminal>('linux-terminal')!;
    let text = '';
    el.addEventListener('linux-terminal-output', (event) => (text += event.detail.data));
    document.body.append(el);
    const deadline = performance.now() + 120_000;
    while (!/\r\nhello\r\n/.test(text)) {
      if (performance.now() > deadline) throw new Error(`no hello; the screen had:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    el.remove();
  });
});

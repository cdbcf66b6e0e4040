# Python-Markdown passes raw HTML through untouched only when its tag is a block-level one; any
# other tag is wrapped in a paragraph, which would part <linux-snippet> from its code block and
# its <pre slot="expected"> from it. This hook adds the tag to Markdown's block-level list.
from markdown import Extension


class LinuxSnippetBlocks(Extension):
    def extendMarkdown(self, md):
        md.block_level_elements.append("linux-snippet")


def on_config(config):
    config.markdown_extensions.append(LinuxSnippetBlocks())
    return config

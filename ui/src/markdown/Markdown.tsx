/** Rendered Markdown (sanitised; see render.ts), styled for both themes. */
import { useMemo } from 'react'

import styles from './Markdown.module.css'
import { renderMarkdown } from './render'

export function Markdown({ text }: { text: string }) {
  const html = useMemo(() => renderMarkdown(text), [text])
  return <div className={styles.markdown} dangerouslySetInnerHTML={{ __html: html }} />
}

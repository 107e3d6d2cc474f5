import { useEffect, useState, type RefObject } from 'react'

/**
 * Whether the element is on (or near) the screen. A page of a hundred charts fetches and polls only
 * the ones a person can see. Without IntersectionObserver (tests, old browsers) everything is in view.
 */
export function useInView(ref: RefObject<HTMLElement | null>, margin = '200px'): boolean {
  const [inView, setInView] = useState(() => typeof IntersectionObserver === 'undefined')
  useEffect(() => {
    const element = ref.current
    if (!element || typeof IntersectionObserver === 'undefined') return
    const observer = new IntersectionObserver(
      (entries) => {
        const entry = entries[entries.length - 1]
        if (entry) setInView(entry.isIntersecting)
      },
      { rootMargin: margin },
    )
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref, margin])
  return inView
}

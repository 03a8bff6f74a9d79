/** The page's scroll width and the window's width, to check a layout needs no horizontal scrolling. */
import type { Page } from 'playwright-core';

export function pageWidths(page: Page): Promise<{ scroll: number; inner: number }> {
  return page.evaluate(() => {
    // The callback runs in the browser; the test's tsconfig has no DOM types.
    const d = globalThis as unknown as {
      document: { documentElement: { scrollWidth: number } };
      innerWidth: number;
    };
    return { scroll: d.document.documentElement.scrollWidth, inner: d.innerWidth };
  });
}

import { afterEach, beforeEach } from 'vitest';

/**
 * The badges' roots are closed outside the sandbox build: a test keeps each one as it is attached,
 * by host. Registers its hooks in the calling test file; the page is emptied after each test.
 */
export function keepShadowRoots(): Map<Element, ShadowRoot> {
  const roots = new Map<Element, ShadowRoot>();
  const attachShadow = HTMLElement.prototype.attachShadow;
  beforeEach(() => {
    HTMLElement.prototype.attachShadow = function (this: HTMLElement, init: ShadowRootInit) {
      const root = attachShadow.call(this, init);
      roots.set(this, root);
      return root;
    };
  });
  afterEach(() => {
    HTMLElement.prototype.attachShadow = attachShadow;
    roots.clear();
    document.body.replaceChildren();
  });
  return roots;
}

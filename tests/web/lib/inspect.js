'use strict';
// What a page's DOM holds that the budgets care about: styles, scripts, images. Read with
// page.evaluate, which Playwright runs over the DevTools protocol, so it works with the page's
// JavaScript off too (the page's own scripts stay off).

async function inspectPage(page) {
  return page.evaluate(() => {
    const bytes = s => new TextEncoder().encode(s).length;
    const styles = [...document.querySelectorAll('style')].map(s => bytes(s.textContent));
    const stylesheetLinks = [...document.querySelectorAll('link[rel~="stylesheet" i]')].map(l => l.href);
    const inlineScripts = [...document.querySelectorAll('script:not([src])')].map(s => bytes(s.textContent));
    const scriptFiles = [...document.querySelectorAll('script[src]')].map(s => s.src);
    // on* attributes and javascript: URLs are scripts too.
    let handlerBytes = 0;
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) handlerBytes += bytes(a.value);
        else if (/^(href|src|action|formaction)$/i.test(a.name) && /^\s*javascript:/i.test(a.value)) handlerBytes += bytes(a.value);
      }
    }
    const images = [...document.querySelectorAll('img')].map(i => ({
      src: i.getAttribute('src'), alt: i.getAttribute('alt'), loading: i.getAttribute('loading'),
      width: i.getAttribute('width'), height: i.getAttribute('height'),
    }));
    return { title: document.title, styles, stylesheetLinks, inlineScripts, scriptFiles, handlerBytes, images };
  });
}

module.exports = { inspectPage };

// Tests that cannot mean in a page what they mean in Node, each with why. The
// page reports them as skipped with the reason; test/browser/browser.test.ts
// checks the browser's own side of each (sites, printing) in a page script.
export const NOT_IN_BROWSER: Record<string, Record<string, string>> = {
  'test/grad/explain.test.ts': {
    'explain > gives the same gradients as K.gradients for every explain example, a list of losses, and float64':
      "checks call sites as Node paths (examples/explain/mlp.ts:...); in the test bundle the examples are inside the bundle's own file, so no frame is the user's. Sites in a page are checked by browser.test.ts",
  },
};

/** Test-only: where the shared public corpus is, and whether it is beside this checkout. */

/** ../shared/pcaps/public (CI has it; tests that read it skip, saying why, without it). */
export const corpus = new URL("../../../shared/pcaps/public/", import.meta.url);

/** Whether the public corpus is beside this checkout. */
export const corpusPresent: boolean = (() => {
  try {
    return Deno.statSync(corpus).isDirectory;
  } catch {
    return false;
  }
})();

if (!corpusPresent) {
  // Said once per test file that reads the corpus, so a run without it says why tests were skipped.
  console.log(
    `corpus tests skipped: the shared public corpus is not at ${corpus.pathname} ` +
      "(put the shared folder beside this checkout, as ../shared, to run them)",
  );
}

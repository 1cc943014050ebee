// Apollo Client 4 reads `globalThis.__DEV__` when its modules load: set it first, so the tests
// run the development build (its cache warnings and invariant messages) as a frontend's dev server does.
(globalThis as { __DEV__?: boolean }).__DEV__ = true;

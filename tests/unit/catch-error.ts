/** The error `fn` throws; fails the test when it does not throw. */
export function catchError (fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected the call to throw')
}

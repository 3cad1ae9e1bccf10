import type { CombinedError } from 'urql';

/** A GraphQL error as Hearth answers it: a message and `extensions.code`. */
export interface ShownError {
  message: string;
  code?: string;
}

export function errorsOf(error: CombinedError | undefined): ShownError[] {
  if (!error) return [];
  if (error.graphQLErrors.length > 0) {
    return error.graphQLErrors.map((e) => ({
      message: e.message,
      code: typeof e.extensions?.code === 'string' ? e.extensions.code : undefined,
    }));
  }
  return [{ message: error.networkError?.message ?? error.message, code: 'NETWORK_ERROR' }];
}

/** Every error of a request, each with its code, where the user acted. */
export function Errors({ error, errors }: { error?: CombinedError; errors?: ShownError[] }) {
  const shown = errors ?? errorsOf(error);
  if (shown.length === 0) return null;
  return (
    <div className="errors" role="alert">
      {shown.map((e, i) => (
        <p key={i} className="error">
          {e.code && <code className="error-code">{e.code}</code>} {e.message}
        </p>
      ))}
    </div>
  );
}

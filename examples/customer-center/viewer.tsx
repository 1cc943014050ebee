/**
 * The header's "signed in as": who the API takes the caller for (`viewer`: the signed-in user's
 * name, or the pasted token's configured name), its role and queues, and the sign-out.
 */
import { useQuery } from '@apollo/client/react';
import { AppViewerDocument } from './generated/graphql';

export function SignedInAs({ onSignOut }: { onSignOut: () => void }) {
  const { data } = useQuery(AppViewerDocument);
  const viewer = data?.viewer;
  return (
    <div className="who" data-testid="viewer">
      {viewer ? (
        <span>
          Signed in as <strong data-testid="viewer-name">{viewer.name}</strong> (<span data-testid="viewer-role">{viewer.role}</span>
          {viewer.queues ? `, queues ${viewer.queues.join(', ') || 'none'}` : ''})
        </span>
      ) : null}
      <button type="button" id="sign-out" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}

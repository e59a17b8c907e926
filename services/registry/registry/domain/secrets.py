"""Is a configured secret strong enough to guard the operator's admin client in production?"""

from __future__ import annotations

# Secrets this repository ships (compose, the local stack, the tests): anyone who read it knows them.
SHIPPED_SECRETS = frozenset(
    {"change-me-operator-secret", "operator-local-secret", "operator-test-secret", "operator-secret-for-tests"}
)
MIN_LENGTH = 32
# A random secret of 32 characters uses far more; a repeated pattern ("abab…", "aaaa…") fewer.
MIN_DISTINCT_CHARACTERS = 8


def weakness(secret: str) -> str | None:
    """Why the secret is too weak to trust in production, or None when it is strong enough."""
    folded = secret.lower()
    if secret in SHIPPED_SECRETS or "change-me" in folded or "changeme" in folded:
        return "it is a default shipped with Sinergi"
    if len(secret) < MIN_LENGTH:
        return f"it is shorter than {MIN_LENGTH} characters"
    if len(set(secret)) < MIN_DISTINCT_CHARACTERS:
        return f"it uses fewer than {MIN_DISTINCT_CHARACTERS} different characters"
    return None

from matching.handlers.context import Context, MatchingRules

__all__ = ["Context", "MatchingRules"]

"""What tests of the kit's web pages render with: a navigation bar whose services live at `.test`
addresses, as the signups service."""

from together_kit.web.navigation import Navigation
from together_kit.web.site import Addresses

NAVIGATION = Navigation(
    Addresses(
        signups="http://signups.test",
        moderation="http://moderation.test",
        matching="http://matching.test",
        notifications="http://notifications.test",
    ),
    service="signups",
)

"""The `Context` every handler is given: its ports, clock and settings, built by bootstrap."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from together_kit.access import AccessAnswers
from together_kit.erasure import ErasureAnswers
from together_kit.mail_quota import MailQuota

from notifications.domain.contacts import SMS
from notifications.domain.messages import AddressKeys, RetryPlan
from notifications.domain.policy import TEXT_RULES, InvitationRules
from notifications.domain.reminders import ReminderTimes
from notifications.domain.texts import SmsProvider
from notifications.handlers.ports import (
    Channel,
    ConnectorDistricts,
    ContactRepository,
    HandoverJournal,
    InboundTexts,
    MessageRepository,
    Renderer,
    RosterRepository,
    Sender,
    ShortLinks,
    SuppressionRepository,
    TextCodes,
    TextSenders,
    UnsubscribeLinks,
    Words,
)

PRODUCER = "notifications"


@dataclass(frozen=True)
class Context:
    """The ports every handler may use; bootstrap builds the real ones, unit tests small fakes."""

    contacts: ContactRepository
    messages: MessageRepository
    suppressions: SuppressionRepository
    erasure_answers: ErasureAnswers | None
    """Where `person.erased` is told once this service forgot the person."""
    renderer: Renderer
    channels: Mapping[str, Channel]
    links: UnsubscribeLinks
    clock: Callable[[], datetime]
    address_keys: AddressKeys
    """Keys of the address digests: the current one writes, every one is looked for."""
    retry: RetryPlan
    journal: HandoverJournal
    """Which final dots this process wrote (adapters.handover_journal)."""
    words: Words
    """The kit's words for other services' codes (reasons), in the email's language."""
    access_answers: AccessAnswers | None = None
    """Where what this service holds about a person is told (subject access)."""
    invitation_rules: InvitationRules = field(default_factory=InvitationRules)
    reminders: ReminderTimes = field(default_factory=ReminderTimes)
    webhook_url: str | None = None
    staff_language: str = "en"
    keep_sent_context: bool = False
    """Keep what a sent message was rendered from (its links), for the development page only."""
    erasure_key: bytes = b""
    """The key of `together_contracts.email_digest`, shared by every service (`ERASURE_KEY`)."""
    senders: int = 1
    """Messages the dispatcher sends at once (each email over its own SMTP connection)."""
    wake: Callable[[], None] = lambda: None
    """Tells the dispatcher that a message is waiting, so it need not wait for its next poll."""
    sender: Sender | None = None
    """Where a message due at once is sent from, recorded already claimed (no claim, no poll);
    None leaves every message to the dispatcher's pass."""
    rosters: RosterRepository | None = None
    """Who is coming to each event, for its organiser's page and digest (domain.rosters)."""
    organiser_links: MailQuota | None = None
    """Organiser-link emails per address per day; None sends them all."""
    my_url: str = ""
    """"My together" in signups, linked from every email to a volunteer."""
    share_url: str = ""
    """Moderation's page to share a story, linked from the thank-you after an event."""
    talk_url: str = ""
    """Moderation's national conversation, to which signatories of the open letter are invited."""
    events_url: str = ""
    """Matching's list of events, to which signatories of the open letter are invited."""
    connectors: ConnectorDistricts | None = None
    """Where community connectors are active, to tell them of calls to action there."""
    districts_url: str = ""
    """Matching's pages of postcode districts (`/gaps/districts`), linked for connectors."""
    text_codes: TextCodes | None = None
    """The short codes that let a volunteer answer an invitation by text (YES K7MX)."""
    text_senders: TextSenders | None = None
    """Who sent a story or thank-you by text, to text them the outcome."""
    inbound_texts: InboundTexts | None = None
    """Texts received at the coalition's number, once each."""
    text_rules: InvitationRules = TEXT_RULES
    """Quiet hours (stricter than email's) and the weekly cap of invitations by text."""
    sms_provider: SmsProvider | None = None
    """Where texts go (the `sms` channel's provider); None: no texts, email whatever the choice."""
    short_links: ShortLinks | None = None
    """Short links to long ones, for texts (adapters.short_links)."""
    text_renderer: Renderer | None = None
    """Renders texts (SMS), as `renderer` renders emails."""

    def rules_for(self, channel: str) -> InvitationRules:
        """The invitation rules of a channel: texts have stricter quiet hours."""
        return self.text_rules if channel == SMS else self.invitation_rules

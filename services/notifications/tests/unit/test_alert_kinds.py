"""Every kind of item moderation may alert leads about has a Welsh name for the alert email."""

from typing import get_args

import pytest
from notifications.handlers.messages import KIND_IN_WELSH
from together_contracts import BacklogAlertData

pytestmark = pytest.mark.unit


def test_every_item_kind_in_a_backlog_alert_has_a_welsh_name() -> None:
    kinds = get_args(BacklogAlertData.model_fields["kind"].annotation)

    assert set(kinds) == set(KIND_IN_WELSH)
    assert KIND_IN_WELSH["pledge"] == "addewid"
